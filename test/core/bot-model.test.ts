import { loadBotModel } from '../../app/boot/bot-model-file';
import { ACCOUNT_TYPES } from '../../app/core/request/account-request';
import { CANCEL_REQUEST_INTENT, RETRY_INTENT, STATUS_INTENT, VEND_INTENT } from '../../app/core/use-cases/conversation';

/** The bot model is data; the core relies on a few names in it. These tests keep both in step. */
describe('the bot model in manifest/bot.yml', () => {
  const model = loadBotModel();
  const intent = (name: string) => model.intents.find((i) => i.name === name);

  it('has the vending intent with its three required slots, asked in order, and the optional name and reason', () => {
    const slots = intent(VEND_INTENT)?.slots ?? [];
    expect(slots.filter((s) => s.required).map((s) => s.name)).toEqual(['AccountType', 'RootEmail', 'AccountOU']);
    expect(slots.filter((s) => !s.required).map((s) => s.name)).toEqual(['AccountName', 'Reason']);
    expect(intent(VEND_INTENT)?.confirmation?.prompt).toContain('{AccountName}');
  });

  it('has the intents the core fulfils about requests already made, each with an optional request id', () => {
    for (const name of [STATUS_INTENT, CANCEL_REQUEST_INTENT, RETRY_INTENT]) {
      expect(intent(name)?.slots.map((s) => [s.name, s.required])).toEqual([['RequestId', false]]);
    }
  });

  it('gives every slot of the account request one sentence of help, and every intent it jumps to exists', () => {
    for (const slot of intent(VEND_INTENT)?.slots ?? []) expect(slot.help).toMatch(/^[A-Z].*\.$/);
    for (const i of model.intents) for (const to of [i.startsOver, i.whenIdle].filter(Boolean)) expect(intent(to as string)).toBeDefined();
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
    for (const slot of intent(VEND_INTENT)!.slots.filter((s) => s.required)) expect(slot.prompt).toContain('{firstName}');
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
