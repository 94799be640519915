/**
 * The slot types of the Lex V2 bot in the template, from the bot model (manifest/bot.yml) and the
 * deployment's OU list: the values and synonyms the embedded engine reads, resolved to the
 * canonical value; request ids and chosen names with the core's patterns; reasons as said.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { loadBotModel } from '../../app/boot/bot-model-file';
import { ACCOUNT_NAME_PATTERN, LexBot, REQUEST_ID_PATTERN } from '../../infra/lib/lex-bot';

const model = loadBotModel();
const OUS = ['Experiment', 'Demos (ou-abcd-12345678)', 'Sandbox Workloads'];
const app = new App();
const stack = new Stack(app, 'BotStack', { env: { account: '111111111111', region: 'eu-west-1' } });
new LexBot(stack, 'Lex', { model, organizationalUnits: OUS, botName: 'VendingBot-Dev-Bot' });
const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string; Properties: any }>;
const [locale] = Object.values(resources).find((r) => r.Type === 'AWS::Lex::Bot')!.Properties.BotLocales;

describe('the Lex bot built from manifest/bot.yml', () => {
  describe('slot types', () => {
    const slotType = (name: string) => locale.SlotTypes.find((t: any) => t.Name === name);

    it("defines every slot type the slots use, besides Lex's built-ins", () => {
      const used = new Set(model.intents.flatMap((i) => i.slots.map((s) => s.type)));
      for (const type of used) {
        if (type.startsWith('AMAZON.')) continue;
        expect(slotType(type)).toBeDefined();
      }
      expect(locale.SlotTypes.map((t: any) => t.Name)).toEqual(Object.keys(model.slotTypes));
    });

    it.each(Object.entries(model.slotTypes).filter(([, t]) => 'values' in t))(
      "%s: the model's values and synonyms, resolved to the canonical value",
      (name, type) => {
        const lexType = slotType(name);
        expect(lexType.Description).toBe(type.description);
        expect(lexType.ValueSelectionSetting).toEqual({ ResolutionStrategy: 'TOP_RESOLUTION' });
        const values = 'values' in type ? type.values : [];
        expect(lexType.SlotTypeValues.map((v: any) => v.SampleValue.Value)).toEqual(values.map((v) => v.value));
        for (const v of values) {
          const synonyms: string[] = (lexType.SlotTypeValues.find((x: any) => x.SampleValue.Value === v.value).Synonyms ?? []).map(
            (s: any) => s.Value,
          );
          // Every synonym of the model, except one that is the value itself (Lex matches the value anyway).
          expect(synonyms.sort()).toEqual(v.synonyms.filter((s) => s.toLowerCase() !== v.value.toLowerCase()).sort());
        }
      },
    );

    it("reads request ids and chosen names with the core's patterns, in Lex's regex dialect, and keeps a reason as said", () => {
      const byType = (source: string) =>
        slotType(Object.entries(model.slotTypes).find(([, t]) => 'valuesFrom' in t && t.valuesFrom === source)![0]);
      expect(byType('requestIds')).toMatchObject({
        ParentSlotTypeSignature: 'AMAZON.AlphaNumeric',
        ValueSelectionSetting: { ResolutionStrategy: 'ORIGINAL_VALUE', RegexFilter: { Pattern: REQUEST_ID_PATTERN } },
      });
      expect(byType('accountNames').ValueSelectionSetting.RegexFilter.Pattern).toBe(ACCOUNT_NAME_PATTERN);
      // Lex's dialect: letters, digits, \uXXXX escapes; no wildcard and no unbounded repeat.
      for (const p of [REQUEST_ID_PATTERN, ACCOUNT_NAME_PATTERN]) expect(p).not.toMatch(/[.*+-](?![^[]*\])|\{\d+,\}/);
      // JavaScript reads \uXXXX in a pattern as Lex does.
      const lexRe = (p: string) => new RegExp(`^${p}$`);
      expect(lexRe(REQUEST_ID_PATTERN).test('req-m3x1k2-1a2b3c4d')).toBe(true);
      expect(lexRe(REQUEST_ID_PATTERN).test('req-m3x1k2-1a2b3c4')).toBe(false);
      expect(lexRe(ACCOUNT_NAME_PATTERN).test('payments-dev')).toBe(true);
      const reason = slotType(Object.entries(model.slotTypes).find(([, t]) => 'freeText' in t)![0]);
      expect(reason.ValueSelectionSetting).toEqual({ ResolutionStrategy: 'ORIGINAL_VALUE' });
      expect(reason.SlotTypeValues.length).toBeGreaterThan(0);
    });

    it('knows the details a question is about by the words people use for them (labels and aliases)', () => {
      const topics = slotType(Object.entries(model.slotTypes).find(([, t]) => 'valuesFrom' in t && t.valuesFrom === 'slots')![0]);
      const email = topics.SlotTypeValues.find((v: any) => v.SampleValue.Value === 'RootEmail');
      expect(email.Synonyms.map((x: any) => x.Value)).toEqual(expect.arrayContaining(['root e-mail', 'root email']));
      expect(topics.ValueSelectionSetting).toEqual({ ResolutionStrategy: 'TOP_RESOLUTION' });
    });

    it("takes the OrganizationalUnits values from the deployment's OU names, without the (ou-...) part", () => {
      const [name] = Object.entries(model.slotTypes).find(([, t]) => 'valuesFrom' in t && t.valuesFrom === 'organizationalUnits')!;
      const lexType = slotType(name);
      expect(lexType.SlotTypeValues).toEqual([
        { SampleValue: { Value: 'Experiment' } },
        { SampleValue: { Value: 'Demos' } },
        { SampleValue: { Value: 'Sandbox Workloads' } },
      ]);
      expect(lexType.ValueSelectionSetting).toEqual({ ResolutionStrategy: 'TOP_RESOLUTION' });
      expect(JSON.stringify(lexType)).not.toContain('ou-');
    });
  });
});
