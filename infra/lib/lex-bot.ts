import { createHash } from 'node:crypto';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CfnBot, CfnBotAlias, CfnBotVersion } from 'aws-cdk-lib/aws-lex';
import { Construct } from 'constructs';
import type { BotModel, IntentModel, SlotModel } from '../../app/core/bot-model';
import { parseOuLabel } from '../../app/core/request/organizational-units';

/**
 * The Amazon Lex V2 bot, built from the bot model (manifest/bot.yml) that the embedded engine runs,
 * so both engines say the same thing (test/aws/dialog-parity.test.ts shows the runtime side,
 * test/infra/lex-bot.test.ts this side). The conversion is a set of pure functions below; the
 * construct only wraps their result in CfnBot, CfnBotVersion and CfnBotAlias.
 *
 * What app/adapters/lex/lex-dialog.ts expects of the bot:
 * - prompts reference the person through session attributes ([firstName], [lastName], [ouChoices],
 *   sent on every turn) and the intent's own slots as {SlotName};
 * - no fulfillment code hook: a confirmed VendAccount ends ReadyForFulfillment without a message and
 *   the caller fulfils; only intents the bot answers by itself (the manifest's `response`) close
 *   with a message;
 * - slot types resolve to their canonical value (TOP_RESOLUTION), so "prod" arrives as "Production";
 * - FallbackIntent (required by Lex) says the manifest's fallback message, and a cancel intent built
 *   on AMAZON.CancelIntent says its "cancelled" message.
 */

/** Lex's required intent for what matches no other intent (the adapter knows it by this name). */
export const FALLBACK_INTENT = 'FallbackIntent';
/** Built on AMAZON.CancelIntent; one of the names the adapter recognises as "the person cancelled". */
export const CANCEL_INTENT = 'CancelIntent';
/** Lex's console default: below this confidence an utterance goes to FallbackIntent. */
export const NLU_CONFIDENCE_THRESHOLD = 0.4;
/** The alias the app calls (LEX_BOT_ALIAS_ID is its id, not this name). */
export const ALIAS_NAME = 'live';

const END_CONVERSATION: CfnBot.DialogStateProperty = { dialogAction: { type: 'EndConversation' } };

/**
 * A manifest template as a Lex message: {Slot} stays a slot reference when the slot belongs to the
 * intent; any other placeholder ({firstName}, {ouChoices}, {AccountName}) becomes a session
 * attribute reference [name], which Lex accepts anywhere (an unknown {name} would fail the build).
 */
export function toLexMessage(template: string, slotNames: readonly string[] = []): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (slotNames.includes(key) ? whole : `[${key}]`));
}

/** A sample utterance as Lex takes it: {Slot} references must name one of the intent's slots. */
export function toLexUtterance(utterance: string, slotNames: readonly string[]): string {
  for (const [, key] of utterance.matchAll(/\{(\w+)\}/g)) {
    if (!slotNames.includes(key)) throw new Error(`Sample utterance "${utterance}" references {${key}}, which is not a slot of its intent`);
  }
  return utterance.trim();
}

/** Lex retries a prompt this many times after the first ask: maxAttempts answers in all. */
export function maxRetries(model: BotModel): number {
  return Math.min(5, Math.max(0, model.maxAttempts - 1));
}

/** The OU names of the OrganizationalUnits slot type: "Demos (ou-abcd-12345678)" is the value "Demos". */
export function organizationalUnitNames(labels: readonly string[]): string[] {
  return [...new Set(labels.map((label) => parseOuLabel(label)?.name ?? label.trim()))];
}

const text = (value: string): CfnBot.MessageProperty => ({ plainTextMessage: { value } });

function response(template: string, slotNames: readonly string[] = []): CfnBot.ResponseSpecificationProperty {
  return { messageGroupsList: [{ message: text(toLexMessage(template, slotNames)) }], allowInterrupt: true };
}

/**
 * The first ask says the prompt; with the Ordered strategy each retry says the next variation, i.e.
 * the slot's retryPrompt (Lex allows two variations per message group).
 */
function prompt(
  first: string,
  retry: string | undefined,
  slotNames: readonly string[],
  retries: number,
): CfnBot.PromptSpecificationProperty {
  const variations = retry ? Array.from({ length: Math.min(2, retries) }, () => text(toLexMessage(retry, slotNames))) : [];
  return {
    messageGroupsList: [{ message: text(toLexMessage(first, slotNames)), ...(variations.length ? { variations } : {}) }],
    maxRetries: retries,
    allowInterrupt: true,
    messageSelectionStrategy: 'Ordered',
  };
}

/** The manifest's slot types; OrganizationalUnits takes its values from the deployment's OU list. */
export function slotTypesFromModel(model: BotModel, organizationalUnits: readonly string[]): CfnBot.SlotTypeProperty[] {
  return Object.entries(model.slotTypes).map(([name, type]) => {
    const values =
      'values' in type
        ? type.values.map((v) => ({ value: v.value, synonyms: v.synonyms }))
        : organizationalUnitNames(organizationalUnits).map((value) => ({ value, synonyms: [] as string[] }));
    return {
      name,
      ...(type.description ? { description: type.description } : {}),
      slotTypeValues: values.map(({ value, synonyms }) => {
        // A synonym equal to its value adds nothing (Lex matches the value itself anyway).
        const distinct = [...new Set(synonyms.map((s) => s.trim()))].filter((s) => s && s.toLowerCase() !== value.toLowerCase());
        return { sampleValue: { value }, ...(distinct.length ? { synonyms: distinct.map((s) => ({ value: s })) } : {}) };
      }),
      // The first resolution (the canonical value), never what the person typed.
      valueSelectionSetting: { resolutionStrategy: 'TOP_RESOLUTION' },
    };
  });
}

function slot(s: SlotModel, slotNames: readonly string[], model: BotModel): CfnBot.SlotProperty {
  return {
    name: s.name,
    slotTypeName: s.type,
    valueElicitationSetting: {
      slotConstraint: 'Required',
      promptSpecification: prompt(s.prompt, s.retryPrompt, slotNames, maxRetries(model)),
      // Out of retries: say the manifest's give-up message and end (the adapter reads intent state Failed).
      slotCaptureSetting: { failureResponse: response(model.messages.giveUp, slotNames), failureNextStep: END_CONVERSATION },
    },
  };
}

function intent(i: IntentModel, model: BotModel): CfnBot.IntentProperty {
  const slotNames = i.slots.map((s) => s.name);
  return {
    name: i.name,
    ...(i.description ? { description: i.description } : {}),
    sampleUtterances: i.sampleUtterances.map((u) => ({ utterance: toLexUtterance(u, slotNames) })),
    ...(i.slots.length
      ? {
          slots: i.slots.map((s) => slot(s, slotNames, model)),
          slotPriorities: i.slots.map((s, index) => ({ priority: index + 1, slotName: s.name })),
        }
      : {}),
    ...(i.confirmation
      ? {
          intentConfirmationSetting: {
            promptSpecification: prompt(i.confirmation.prompt, undefined, slotNames, maxRetries(model)),
            // "no": say the declined message and end; the adapter reads confirmationState Denied.
            declinationResponse: response(i.confirmation.declined, slotNames),
            declinationNextStep: END_CONVERSATION,
            // Neither yes nor no, maxAttempts times: give up as for a slot.
            failureResponse: response(model.messages.giveUp, slotNames),
            failureNextStep: END_CONVERSATION,
          },
        }
      : {}),
    // Only intents the bot answers by itself close with a message; the others are the caller's to fulfil.
    ...(i.response ? { intentClosingSetting: { closingResponse: response(i.response, slotNames), isActive: true } } : {}),
  };
}

/** The manifest's intents, then the cancel intent and the required fallback intent. */
export function intentsFromModel(model: BotModel): CfnBot.IntentProperty[] {
  for (const name of [CANCEL_INTENT, FALLBACK_INTENT]) {
    if (model.intents.some((i) => i.name === name))
      throw new Error(`The bot model may not define an intent named ${name}: the bot builder adds it`);
  }
  return [
    ...model.intents.map((i) => intent(i, model)),
    {
      name: CANCEL_INTENT,
      description: 'The person stops the conversation (built-in cancel utterances)',
      parentIntentSignature: 'AMAZON.CancelIntent',
      intentClosingSetting: { closingResponse: response(model.messages.cancelled), isActive: true },
    },
    {
      name: FALLBACK_INTENT,
      description: 'Nothing recognised',
      parentIntentSignature: 'AMAZON.FallbackIntent',
      intentClosingSetting: { closingResponse: response(model.messages.fallback), isActive: true },
    },
  ];
}

/** The bot's one locale, from the model and the deployment's OU list. */
export function botLocaleFromModel(model: BotModel, organizationalUnits: readonly string[]): CfnBot.BotLocaleProperty {
  return {
    localeId: model.locale,
    ...(model.description ? { description: model.description.slice(0, 200) } : {}),
    nluConfidenceThreshold: NLU_CONFIDENCE_THRESHOLD,
    slotTypes: slotTypesFromModel(model, organizationalUnits),
    intents: intentsFromModel(model),
  };
}

/** What the app needs to call the bot: the ids for RecognizeText and the alias ARN for IAM. */
export interface LexBotRef {
  readonly botId: string;
  readonly botAliasId: string;
  readonly localeId: string;
  readonly aliasArn: string;
  /** The region the bot lives in (LEX_REGION). */
  readonly region: string;
}

export interface LexBotProps {
  model: BotModel;
  /** The deployment's OUs, "Name" or "Name (ou-...)": the values of the OrganizationalUnits slot type. */
  organizationalUnits: readonly string[];
  /** Unique in the account and region (several stages may share one); defaults to the model's name. */
  botName?: string;
}

/** The bot (DRAFT, built on every change), a version of it, and the alias the app calls. */
export class LexBot extends Construct implements LexBotRef {
  readonly bot: CfnBot;
  readonly version: CfnBotVersion;
  readonly alias: CfnBotAlias;
  readonly role: iam.Role;
  readonly botId: string;
  readonly botAliasId: string;
  readonly localeId: string;
  readonly aliasArn: string;
  readonly region: string;

  constructor(scope: Construct, id: string, props: LexBotProps) {
    super(scope, id);
    const { model } = props;
    const locale = botLocaleFromModel(model, props.organizationalUnits);
    const botName = (props.botName ?? model.name).slice(0, 100);

    // Lex assumes this role at run time. A text-only bot without voice (Polly), sentiment analysis
    // (Comprehend), conversation logs or code hooks needs no permission at all, so it has none.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lexv2.amazonaws.com'),
      description: `Runtime role of the Lex bot ${botName} (text only: no permissions needed)`,
    });

    this.bot = new CfnBot(this, 'Bot', {
      name: botName,
      description: (model.description ?? model.name).slice(0, 200),
      roleArn: this.role.roleArn,
      // Account requests are made by employees, not children (COPPA).
      dataPrivacy: { ChildDirected: false },
      idleSessionTtlInSeconds: model.idleSessionTtlMinutes * 60,
      autoBuildBotLocales: true,
      botLocales: [locale],
    });

    // A version is immutable: a new one is made whenever the locale changes (the logical id carries
    // a hash of it), and the alias moves to it in the same deployment.
    const hash = createHash('sha256').update(JSON.stringify(locale)).digest('hex').slice(0, 10);
    this.version = new CfnBotVersion(this, `Version${hash}`, {
      botId: this.bot.attrId,
      description: `Built from the bot model (${hash})`,
      botVersionLocaleSpecification: [{ localeId: model.locale, botVersionLocaleDetails: { sourceBotVersion: 'DRAFT' } }],
    });

    this.alias = new CfnBotAlias(this, 'Alias', {
      botId: this.bot.attrId,
      botAliasName: ALIAS_NAME,
      botVersion: this.version.attrBotVersion,
      description: 'The alias the vending bot calls',
      botAliasLocaleSettings: [{ localeId: model.locale, botAliasLocaleSetting: { enabled: true } }],
    });

    this.botId = this.bot.attrId;
    this.botAliasId = this.alias.attrBotAliasId;
    this.localeId = model.locale;
    this.aliasArn = this.alias.attrArn;
    this.region = this.alias.stack.region;
  }
}
