/**
 * The Lex V2 bot in the template is the bot model of manifest/bot.yml (the one the embedded engine
 * runs): every expectation here is derived from loadBotModel(), so a prompt changed in bot.yml is
 * checked against the template as it is, and the conversion follows the rules the Lex adapter
 * relies on (app/adapters/lex/lex-dialog.ts, test/aws/dialog-parity.test.ts):
 * {firstName}/{lastName}/{ouChoices} become session attributes [firstName]..., {SlotName} stays a
 * slot reference (the optional AccountName too; the core words the confirmation). Slot types:
 * lex-bot-slot-types.test.ts.
 */
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { loadBotModel } from '../../app/boot/bot-model-file';
import { type BotModel, slotsOnce } from '../../app/core/bot-model';
import {
  CANCEL_INTENT,
  FALLBACK_INTENT,
  intentsFromModel,
  LexBot,
  organizationalUnitNames,
  toLexMessage,
  toLexUtterance,
} from '../../infra/lib/lex-bot';

const model = loadBotModel();
const OUS = ['Experiment', 'Demos (ou-abcd-12345678)', 'Sandbox Workloads'];
/** The placeholders that are not slots: session attributes at run time (the confirmation's parts: the core words the confirmation). */
const ATTRIBUTES = ['firstName', 'lastName', 'ouChoices', ...model.intents.flatMap((i) => Object.keys(i.confirmation?.parts ?? {}))];

/** The bot builder's rule, written out: attribute placeholders → [name]; slot references stay. */
const expected = (template: string) => template.replace(new RegExp(`\\{(${ATTRIBUTES.join('|')})\\}`, 'g'), '[$1]');

function synth(botModel: BotModel = model) {
  const app = new App();
  const stack = new Stack(app, 'BotStack', { env: { account: '111111111111', region: 'eu-west-1' } });
  const bot = new LexBot(stack, 'Lex', { model: botModel, organizationalUnits: OUS, botName: 'VendingBot-Dev-Bot' });
  const template = Template.fromStack(stack);
  const id = (c: { node: { defaultChild?: unknown } } | CfnElement) =>
    stack.getLogicalId(((c as any).node?.defaultChild ?? c) as CfnElement);
  return { stack, bot, template, id };
}

const { bot, template, id } = synth();
const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: any }>;
const ofType = (type: string) => Object.values(resources).filter((r) => r.Type === type);
const [botResource] = ofType('AWS::Lex::Bot');
const [locale] = botResource.Properties.BotLocales;
const intent = (name: string) => locale.Intents.find((i: any) => i.Name === name);
const messages = (spec: any): string[] => spec.MessageGroupsList.map((g: any) => g.Message.PlainTextMessage.Value);

const escapeRegExp = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('the Lex bot built from manifest/bot.yml', () => {
  it("is one bot with one locale, the model's idle session TTL, not child-directed, built on every change", () => {
    expect(ofType('AWS::Lex::Bot')).toHaveLength(1);
    expect(botResource.Properties).toMatchObject({
      Name: 'VendingBot-Dev-Bot',
      IdleSessionTTLInSeconds: model.idleSessionTtlMinutes * 60,
      DataPrivacy: { ChildDirected: false },
      AutoBuildBotLocales: true,
      RoleArn: { 'Fn::GetAtt': [id(bot.role), 'Arn'] },
    });
    expect(botResource.Properties.BotLocales).toHaveLength(1);
    expect(locale.LocaleId).toBe(model.locale);
    expect(locale.NluConfidenceThreshold).toBeGreaterThan(0);
  });

  it('has every intent of the model, in order, then the cancel intent and the required fallback intent', () => {
    expect(locale.Intents.map((i: any) => i.Name)).toEqual([...model.intents.map((i) => i.name), CANCEL_INTENT, FALLBACK_INTENT]);
  });

  it('has no code hook anywhere: the caller fulfils (core/conversation.ts)', () => {
    for (const i of locale.Intents) {
      expect(i.FulfillmentCodeHook).toBeUndefined();
      expect(i.DialogCodeHook).toBeUndefined();
      expect(i.InitialResponseSetting?.CodeHook).toBeUndefined();
    }
  });

  describe.each(model.intents.map((i) => [i.name, i] as const))('intent %s', (name, modelIntent) => {
    const lexIntent = intent(name);
    const slotNames = modelIntent.slots.map((s) => s.name);

    it("has the model's description and sample utterances, slot references kept", () => {
      expect(lexIntent.Description).toBe(modelIntent.description);
      expect(lexIntent.SampleUtterances.map((u: any) => u.Utterance)).toEqual(modelIntent.sampleUtterances);
      for (const u of lexIntent.SampleUtterances) {
        for (const [, ref] of (u.Utterance as string).matchAll(/\{(\w+)\}/g)) expect(slotNames).toContain(ref);
      }
    });

    it("asks for its slots in the model's order, each with its slot type, prompt and retry prompt", () => {
      expect((lexIntent.Slots ?? []).map((s: any) => [s.Name, s.SlotTypeName])).toEqual(modelIntent.slots.map((s) => [s.name, s.type]));
      expect(lexIntent.SlotPriorities ?? []).toEqual(modelIntent.slots.map((s, i) => ({ Priority: i + 1, SlotName: s.name })));
      for (const slot of modelIntent.slots) {
        const setting = lexIntent.Slots.find((s: any) => s.Name === slot.name).ValueElicitationSetting;
        expect(setting.SlotConstraint).toBe(slot.required ? 'Required' : 'Optional');
        const prompt = setting.PromptSpecification;
        // maxAttempts answers in all: the first ask and maxAttempts - 1 retries.
        expect(prompt.MaxRetries).toBe(model.maxAttempts - 1);
        expect(prompt.MessageSelectionStrategy).toBe('Ordered');
        expect(messages(prompt)).toEqual([expected(slot.prompt)]);
        const retries = (prompt.MessageGroupsList[0].Variations ?? []).map((v: any) => v.PlainTextMessage.Value);
        expect(new Set(retries)).toEqual(new Set(slot.retryPrompt ? [expected(slot.retryPrompt)] : []));
        if (!slot.required) {
          expect(setting.SlotCaptureSetting).toBeUndefined();
          continue;
        }
        // Out of retries: what was kept and what is needed (the model's give-up), and the same slot again.
        const [giveUp] = messages(setting.SlotCaptureSetting.FailureResponse);
        expect(giveUp).toMatch(new RegExp(`^${escapeRegExp(expected(model.messages.giveUp).split('{progress}')[0])}`));
        expect(giveUp).toContain(`I still need the ${slot.label}`);
        expect(setting.SlotCaptureSetting.FailureNextStep).toEqual({ DialogAction: { Type: 'ElicitSlot', SlotToElicit: slot.name } });
      }
    });

    it('confirms as the model says: the prompt, the declined message on "no", the give-up message when neither', () => {
      const confirmation = lexIntent.IntentConfirmationSetting;
      if (!modelIntent.confirmation) {
        expect(confirmation).toBeUndefined();
        return;
      }
      expect(messages(confirmation.PromptSpecification)).toEqual([expected(modelIntent.confirmation.prompt)]);
      expect(confirmation.PromptSpecification.MaxRetries).toBe(model.maxAttempts - 1);
      expect(messages(confirmation.DeclinationResponse)).toEqual([expected(modelIntent.confirmation.declined)]);
      expect(confirmation.DeclinationNextStep).toEqual({ DialogAction: { Type: 'EndConversation' } });
      expect(messages(confirmation.FailureResponse)[0]).toContain(`I still need ${modelIntent.confirmation.needs}`);
      expect(confirmation.FailureNextStep).toEqual({ DialogAction: { Type: 'ConfirmIntent' } });
    });

    it("closes with the model's response when the bot answers by itself, a jump when it stands for another intent, nothing otherwise", () => {
      const closing = lexIntent.IntentClosingSetting;
      if (modelIntent.explains === 'help' || modelIntent.explains === 'choices') {
        // One answer per slot the question names, at most four per step (Lex's limit): the initial
        // response's first, whose default goes on to the closing step; the model's response when it names none.
        const initial = lexIntent.InitialResponseSetting;
        const steps = [initial?.Conditional, closing.Conditional].filter(Boolean);
        for (const step of steps) expect(step.ConditionalBranches.length).toBeLessThanOrEqual(4);
        if (initial) {
          expect(initial.NextStep).toEqual({ DialogAction: { Type: 'EvaluateConditional' } });
          expect(initial.Conditional.DefaultBranch).toEqual({ NextStep: { DialogAction: { Type: 'CloseIntent' } } });
        }
        expect(closing.NextStep).toEqual({ DialogAction: { Type: 'EvaluateConditional' } });
        const branches = steps.flatMap((step) => step.ConditionalBranches);
        const helped = slotsOnce(model.intents.flatMap((i) => i.slots)).filter((x) => x.help);
        expect(branches.map((b: any) => b.Condition.ExpressionString)).toEqual(helped.map((x) => `{Topic} = "${x.name}"`));
        for (const b of branches) expect(b.NextStep).toEqual({ DialogAction: { Type: 'EndConversation' } });
        const said = branches.map((b: any) => messages(b.Response)[0]);
        if (modelIntent.explains === 'help') expect(said).toEqual(helped.map((x) => expected(x.help!)));
        else expect(said).toContain('You can choose Production or Sandbox.');
        expect(messages(closing.Conditional.DefaultBranch.Response)).toEqual([expected(modelIntent.response!)]);
      } else if (modelIntent.response) {
        expect(closing).toMatchObject({ IsActive: true });
        expect(messages(closing.ClosingResponse)).toEqual([expected(modelIntent.response)]);
      } else if (modelIntent.startsOver ?? modelIntent.whenIdle) {
        expect(closing.NextStep).toEqual({
          DialogAction: { Type: 'StartIntent' },
          Intent: { Name: modelIntent.startsOver ?? modelIntent.whenIdle },
        });
      } else {
        expect(closing).toBeUndefined();
      }
    });

    it('references only its own slots ({Slot}) and session attributes ([name]) in what it says', () => {
      const text =
        JSON.stringify(lexIntent.Slots ?? []) +
        JSON.stringify(lexIntent.IntentConfirmationSetting ?? {}) +
        JSON.stringify(lexIntent.InitialResponseSetting ?? {}) +
        JSON.stringify(lexIntent.IntentClosingSetting ?? {});
      for (const [, ref] of text.matchAll(/\{(\w+)\}/g)) expect(slotNames).toContain(ref);
      for (const [, ref] of text.matchAll(/\[(\w+)\]/g)) expect(ATTRIBUTES).toContain(ref);
    });
  });

  it("names the account with the optional AccountName slot in the confirmation; the reason part is the core's to word", () => {
    const vend = model.intents.find((i) => i.confirmation?.prompt.includes('{AccountName}'))!;
    const prompt = messages(intent(vend.name).IntentConfirmationSetting.PromptSpecification)[0];
    expect(prompt).toContain('{AccountName}');
    expect(prompt).toContain('[reasonPart]');
  });

  it('has every sample utterance once in the whole bot (Lex refuses duplicates)', () => {
    const all = locale.Intents.flatMap((i: any) => (i.SampleUtterances ?? []).map((u: any) => u.Utterance.toLowerCase()));
    expect(new Set(all).size).toBe(all.length);
  });

  it('cancels through AMAZON.CancelIntent with the model\'s "cancelled" message', () => {
    expect(intent(CANCEL_INTENT)).toMatchObject({ ParentIntentSignature: 'AMAZON.CancelIntent', IntentClosingSetting: { IsActive: true } });
    expect(messages(intent(CANCEL_INTENT).IntentClosingSetting.ClosingResponse)).toEqual([expected(model.messages.cancelled)]);
    expect(intent(CANCEL_INTENT).SampleUtterances).toBeUndefined();
  });

  it("has the required FallbackIntent, which says the model's fallback message", () => {
    expect(intent(FALLBACK_INTENT)).toMatchObject({
      ParentIntentSignature: 'AMAZON.FallbackIntent',
      IntentClosingSetting: { IsActive: true },
    });
    expect(messages(intent(FALLBACK_INTENT).IntentClosingSetting.ClosingResponse)).toEqual([expected(model.messages.fallback)]);
  });

  describe('version and alias', () => {
    it('publishes a version of the DRAFT locale and points the live alias at it, the locale enabled', () => {
      const [version] = ofType('AWS::Lex::BotVersion');
      expect(version.Properties).toMatchObject({
        BotId: { 'Fn::GetAtt': [id(bot.bot), 'Id'] },
        BotVersionLocaleSpecification: [{ LocaleId: model.locale, BotVersionLocaleDetails: { SourceBotVersion: 'DRAFT' } }],
      });
      const [alias] = ofType('AWS::Lex::BotAlias');
      expect(alias.Properties).toMatchObject({
        BotAliasName: 'live',
        BotId: { 'Fn::GetAtt': [id(bot.bot), 'Id'] },
        BotVersion: { 'Fn::GetAtt': [id(bot.version), 'BotVersion'] },
        BotAliasLocaleSettings: [{ LocaleId: model.locale, BotAliasLocaleSetting: { Enabled: true } }],
      });
    });

    it('makes a new version when the model changes, so a prompt edited in bot.yml reaches the alias', () => {
      const changed = structuredClone(model);
      changed.messages.fallback = 'Sorry {firstName}, that went over my head.';
      const other = synth(changed);
      const otherTemplate = other.template.toJSON().Resources as Record<string, { Type: string; Properties: any }>;
      const otherBot = Object.values(otherTemplate).find((r) => r.Type === 'AWS::Lex::Bot')!;
      const fallback = otherBot.Properties.BotLocales[0].Intents.find((i: any) => i.Name === FALLBACK_INTENT);
      expect(messages(fallback.IntentClosingSetting.ClosingResponse)).toEqual(['Sorry [firstName], that went over my head.']);
      expect(other.id(other.bot.version)).not.toBe(id(bot.version));
      expect(synth().id(synth().bot.version)).toBe(id(bot.version));
    });

    it('gives the app what it calls: bot id, alias id, locale and the alias ARN for IAM', () => {
      const stack = Stack.of(bot);
      expect(stack.resolve(bot.botId)).toEqual({ 'Fn::GetAtt': [id(bot.bot), 'Id'] });
      expect(stack.resolve(bot.botAliasId)).toEqual({ 'Fn::GetAtt': [id(bot.alias), 'BotAliasId'] });
      expect(stack.resolve(bot.aliasArn)).toEqual({ 'Fn::GetAtt': [id(bot.alias), 'Arn'] });
      expect(bot.localeId).toBe(model.locale);
      expect(bot.region).toBe('eu-west-1');
    });

    it('runs the bot with a role Lex assumes, with no permissions (text only: no Polly, Comprehend, logs or code hooks)', () => {
      const role = resources[id(bot.role)];
      expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
        { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lexv2.amazonaws.com' } },
      ]);
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      expect(role.Properties.Policies).toBeUndefined();
      expect(ofType('AWS::IAM::Policy')).toHaveLength(0);
    });
  });
});

describe('the conversion rules', () => {
  it('turns placeholders that are not slots of the intent into session attributes', () => {
    expect(toLexMessage('Hi {firstName} {lastName}: {ouChoices}? {AccountType} named {AccountName}', ['AccountType'])).toBe(
      'Hi [firstName] [lastName]: [ouChoices]? {AccountType} named [AccountName]',
    );
  });

  it("refuses a sample utterance that references anything but the intent's slots", () => {
    expect(toLexUtterance('A {AccountType} account', ['AccountType'])).toBe('A {AccountType} account');
    expect(() => toLexUtterance('Hello {firstName}', ['AccountType'])).toThrow(/\{firstName\}/);
  });

  it('branches on at most four topics per step: the closing alone for four, the initial response too for more, never over eight', () => {
    const explainer = model.intents.find((i) => i.explains === 'help')!;
    const withHelp = (count: number) => {
      const changed = structuredClone(model);
      const all = changed.intents.flatMap((i) => i.slots);
      const kept = [...new Set(all.filter((s) => s.help).map((s) => s.name))].slice(0, count);
      for (const s of all) if (!kept.includes(s.name)) delete s.help;
      const vend = changed.intents.find((i) => i.name === 'VendAccount')!;
      for (let n = kept.length; n < count; n++) vend.slots.push({ ...vend.slots[0], name: `Extra${n}`, help: `Extra help ${n}.` });
      return intentsFromModel(changed).find((i) => i.name === explainer.name)!;
    };
    const four = withHelp(4);
    expect(four.initialResponseSetting).toBeUndefined();
    expect((four.intentClosingSetting as any).conditional.conditionalBranches).toHaveLength(4);
    const eight = withHelp(8);
    expect((eight.initialResponseSetting as any).conditional.conditionalBranches).toHaveLength(4);
    expect((eight.intentClosingSetting as any).conditional.conditionalBranches).toHaveLength(4);
    expect(() => withHelp(9)).toThrow(/explains 9 slots; a Lex intent can branch on 8/);
  });

  it('takes OU names from "Name" or "Name (ou-...)" labels, once each', () => {
    expect(organizationalUnitNames(['Experiment', 'Demos (ou-abcd-12345678)', 'Demos'])).toEqual(['Experiment', 'Demos']);
  });
});
