import { loadBotModel } from '../../app/boot/bot-model-file';
import { ACCOUNT_TYPES } from '../../app/core/request/account-request';
import { STATUS_INTENT, VEND_INTENT } from '../../app/core/use-cases/conversation';

/** The bot model is data; the core relies on a few names in it. These tests keep both in step. */
describe('the bot model in manifest/bot.yml', () => {
  const model = loadBotModel();
  const intent = (name: string) => model.intents.find((i) => i.name === name);

  it('has the vending intent with its three slots, asked in order', () => {
    expect(intent(VEND_INTENT)?.slots.map((s) => s.name)).toEqual(['AccountType', 'RootEmail', 'AccountOU']);
    expect(intent(VEND_INTENT)?.confirmation?.prompt).toContain('{AccountName}');
  });

  it('has a status intent and a help intent', () => {
    expect(intent(STATUS_INTENT)).toBeDefined();
    expect(intent('Help')?.response).toBeDefined();
  });

  it('offers exactly the account types the core accepts', () => {
    const type = model.slotTypes[intent(VEND_INTENT)!.slots[0].type];
    expect('values' in type && type.values.map((v) => v.value)).toEqual([...ACCOUNT_TYPES]);
  });

  it('addresses the user by first name in every slot prompt', () => {
    for (const slot of intent(VEND_INTENT)!.slots) expect(slot.prompt).toContain('{firstName}');
    expect(intent(VEND_INTENT)!.slots[0].prompt).toBe('Hi {firstName}, what account type do you want? Production or Sandbox?');
  });

  it('refers only to slots that exist', () => {
    for (const i of model.intents) {
      const slots = new Set(i.slots.map((s) => s.name));
      for (const u of i.sampleUtterances) for (const [, name] of u.matchAll(/\{(\w+)\}/g)) expect(slots.has(name)).toBe(true);
      for (const s of i.slots) expect(s.type in model.slotTypes || s.type.startsWith('AMAZON.')).toBe(true);
    }
  });
});
