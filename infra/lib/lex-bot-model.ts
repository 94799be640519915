import type { CfnBot } from 'aws-cdk-lib/aws-lex';
import { type BotModel, type IntentModel, render, type SlotModel, slotLabel } from '../../app/core/bot-model';
import { slotTypesFromModel, uniqueSlots } from './lex-slot-types';

/**
 * The bot model (manifest/bot.yml) as a Lex V2 bot locale: pure functions, wrapped in CfnBot by
 * lex-bot.ts. Everything the embedded engine says comes from the same model: utterances, synonyms,
 * slot help (conditional branches per topic, over the initial response and the closing), greetings, the give-up and the asides.
 *
 * What app/adapters/lex/lex-dialog.ts expects of the bot:
 * - prompts reference the person through session attributes ([firstName], [lastName], [ouChoices],
 *   sent on every turn) and the intent's own slots as {SlotName};
 * - no fulfillment code hook: a confirmed VendAccount ends ReadyForFulfillment without a message and
 *   the caller fulfils; only intents the bot answers by itself (the manifest's `response`, asides)
 *   close with a message;
 * - slot types resolve to their canonical value (TOP_RESOLUTION), so "prod" arrives as "Production";
 *   request ids and names are AMAZON.AlphaNumeric with a pattern, reasons keep what was said;
 * - FallbackIntent (required by Lex) says the manifest's fallback message, and a cancel intent built
 *   on AMAZON.CancelIntent says its "cancelled" message.
 */

export { ACCOUNT_NAME_PATTERN, organizationalUnitNames, REQUEST_ID_PATTERN, slotTypesFromModel } from './lex-slot-types';

/** Lex's required intent for what matches no other intent (the adapter knows it by this name). */
export const FALLBACK_INTENT = 'FallbackIntent';
/** Built on AMAZON.CancelIntent; one of the names the adapter recognises as "the person cancelled". */
export const CANCEL_INTENT = 'CancelIntent';
/** Lex's console default: below this confidence an utterance goes to FallbackIntent. */
export const NLU_CONFIDENCE_THRESHOLD = 0.4;

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

/**
 * What Lex says when it gives up on an answer, from the model's give-up and progress messages: the
 * slots asked before this one are filled (Lex asks in priority order), this one and the later ones needed.
 */
function giveUp(model: BotModel, intent: IntentModel, upTo: number, needs?: string): string {
  const required = intent.slots.filter((s) => s.required);
  const kept = required.slice(0, upTo).map((s) => `${slotLabel(s)} {${s.name}}`);
  const needed =
    needs ??
    required
      .slice(upTo)
      .map((s) => `the ${slotLabel(s)}`)
      .join(' and ');
  const progress = render(model.messages.progress, { kept: kept.length ? kept.join(' and ') : model.vocabulary.nothingYet, needed });
  return render(model.messages.giveUp, { progress });
}

function slot(s: SlotModel, intent: IntentModel, model: BotModel): CfnBot.SlotProperty {
  const slotNames = intent.slots.map((x) => x.name);
  const position = intent.slots.filter((x) => x.required).indexOf(s);
  return {
    name: s.name,
    slotTypeName: s.type,
    valueElicitationSetting: {
      slotConstraint: s.required ? 'Required' : 'Optional',
      promptSpecification: prompt(s.prompt, s.retryPrompt, slotNames, maxRetries(model)),
      // Out of retries: say what was kept and what is needed, and ask again (the conversation goes on).
      ...(s.required
        ? {
            slotCaptureSetting: {
              failureResponse: response(giveUp(model, intent, position), slotNames),
              failureNextStep: { dialogAction: { type: 'ElicitSlot', slotToElicit: s.name } },
            },
          }
        : {}),
    },
  };
}

/** Lex V2 takes at most this many conditional branches in one step (ConditionalSpecification). */
export const MAX_BRANCHES_PER_STEP = 4;
const EVALUATE: CfnBot.DialogStateProperty = { dialogAction: { type: 'EvaluateConditional' } };
const CLOSE_INTENT: CfnBot.DialogStateProperty = { dialogAction: { type: 'CloseIntent' } };

/**
 * The answer of an aside that explains a slot: one conditional branch per slot the Topic names, the
 * response otherwise. Lex allows four branches per step, so the first four are the initial
 * response's (whose default goes on to the closing step) and the others the closing's (whose
 * default says the response): eight topics in all, an error beyond.
 */
function explaining(
  i: IntentModel,
  model: BotModel,
): Pick<CfnBot.IntentProperty, 'initialResponseSetting' | 'intentClosingSetting'> | undefined {
  const topic = i.slots.find((s) => {
    const t = model.slotTypes[s.type];
    return !!t && 'valuesFrom' in t && t.valuesFrom === 'slots';
  });
  if (!topic || (i.explains !== 'help' && i.explains !== 'choices')) return undefined;
  const choicesOf = (s: SlotModel): string | undefined => {
    const t = model.slotTypes[s.type];
    if (t && 'values' in t) return t.values.map((v) => v.value).join(' or ');
    return t && 'valuesFrom' in t && t.valuesFrom === 'organizationalUnits' ? '{ouChoices}' : undefined;
  };
  const branches: CfnBot.ConditionalBranchProperty[] = uniqueSlots(model)
    .filter((s) => s.help)
    .map((s) => {
      const choices = i.explains === 'choices' ? choicesOf(s) : undefined;
      const said = choices ? render(model.messages.choices, { choices }) : (s.help as string);
      return {
        name: s.name,
        condition: { expressionString: `{${topic.name}} = "${s.name}"` },
        response: response(said, [topic.name]),
        nextStep: END_CONVERSATION,
      };
    });
  if (branches.length > 2 * MAX_BRANCHES_PER_STEP) {
    throw new Error(
      `Intent ${i.name} explains ${branches.length} slots; a Lex intent can branch on ${2 * MAX_BRANCHES_PER_STEP} (${MAX_BRANCHES_PER_STEP} in its initial response, ${MAX_BRANCHES_PER_STEP} in its closing)`,
    );
  }
  const otherwise: CfnBot.DefaultConditionalBranchProperty = {
    response: response(i.response ?? model.messages.fallback),
    nextStep: END_CONVERSATION,
  };
  const first = branches.slice(0, MAX_BRANCHES_PER_STEP);
  const rest = branches.slice(MAX_BRANCHES_PER_STEP);
  const closingOn = (conditionalBranches: CfnBot.ConditionalBranchProperty[]): CfnBot.IntentClosingSettingProperty => ({
    isActive: true,
    nextStep: EVALUATE,
    conditional: { isActive: true, conditionalBranches, defaultBranch: otherwise },
  });
  if (!rest.length) return { intentClosingSetting: closingOn(first) };
  return {
    initialResponseSetting: {
      nextStep: EVALUATE,
      conditional: { isActive: true, conditionalBranches: first, defaultBranch: { nextStep: CLOSE_INTENT } },
    },
    intentClosingSetting: closingOn(rest),
  };
}

/** How an intent ends: its per-topic answer (an aside), its response, a jump to the intent it stands for, or nothing (the caller fulfils). */
function closing(i: IntentModel, model: BotModel): Pick<CfnBot.IntentProperty, 'initialResponseSetting' | 'intentClosingSetting'> {
  const slotNames = i.slots.map((s) => s.name);
  const jump = i.startsOver ?? i.whenIdle;
  const explained = explaining(i, model);
  if (explained) return explained;
  if (i.response) return { intentClosingSetting: { closingResponse: response(i.response, slotNames), isActive: true } };
  if (jump)
    return { intentClosingSetting: { isActive: true, nextStep: { dialogAction: { type: 'StartIntent' }, intent: { name: jump } } } };
  return {};
}

function intent(i: IntentModel, model: BotModel): CfnBot.IntentProperty {
  const slotNames = i.slots.map((s) => s.name);
  return {
    name: i.name,
    ...(i.description ? { description: i.description } : {}),
    sampleUtterances: i.sampleUtterances.map((u) => ({ utterance: toLexUtterance(u, slotNames) })),
    ...(i.slots.length
      ? {
          slots: i.slots.map((s) => slot(s, i, model)),
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
            // Neither yes nor no, maxAttempts times: say what was kept, and ask to confirm again.
            failureResponse: response(giveUp(model, i, i.slots.filter((s) => s.required).length, i.confirmation.needs), slotNames),
            failureNextStep: { dialogAction: { type: 'ConfirmIntent' } },
          },
        }
      : {}),
    ...closing(i, model),
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
