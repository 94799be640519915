import { randomUUID } from 'node:crypto';
import { type BotModel, type IntentModel, render } from '../../../core/bot-model';
import type { Clock } from '../../../core/ports/clock';
import type { Dialog, DialogState, DialogTurnInput, DialogTurnResult } from '../../../core/ports/dialog';
import type { SessionStore } from '../../../core/ports/sessions';
import type { OrganizationalUnit } from '../../../core/request/account-request';
import { IntentRecognizer, withPlaceholders } from './nlu';
import { retryMessage, SlotExtractor, type SlotFinding } from './slot-extraction';
import { cleanInput, joinOr, saysAny } from './text';

/**
 * The embedded dialog engine: runs the bot model (manifest/bot.yml) when Amazon Lex V2 is not
 * configured, and answers in Lex V2's terms (dialog states, interpreted slot values) so a door
 * cannot tell which one it talks to.
 *
 * A conversation lives only in the SessionStore, written after every turn: the engine holds no
 * per-session memory, so a restart or a second instance continues it.
 *
 * Conversation rules (where Lex leaves a choice, the simple one):
 * - Slots are asked in the model's order; one sentence may fill several, at any turn.
 * - An invalid answer to the slot asked gets the validator's message and the retry prompt;
 *   after `maxAttempts` of them, and as many unclear answers to a confirmation, the engine gives up.
 * - Cancel words stop a conversation in progress. With none in progress they are just text.
 * - While a slot is asked, an answer that fills no slot but clearly asks for another intent
 *   (help, status) switches to it and drops the conversation in progress.
 * - ReadyForFulfillment stays stored; the next turn starts afresh, except a repeated "yes",
 *   which confirms the same conversation again (same conversation id), so the caller can tell
 *   the person which request that confirmation already made. Its message is empty, as from Lex
 *   without a fulfilment hook: the caller says the outcome.
 * - Every save is a compare-and-set on the session's version (SessionConflictError when another
 *   turn of the conversation saved first); a conversation that ends is saved as ended, not deleted.
 */

export interface EmbeddedDialogOptions {
  model: BotModel;
  sessions: SessionStore;
  clock: Clock;
  /** The OUs the OrganizationalUnits slot type accepts (configuration, not the manifest). */
  organizationalUnits: OrganizationalUnit[];
  /** Minutes of silence after which a conversation is forgotten; the model's idleSessionTtlMinutes by default. */
  idleMinutes?: number;
}

type Phase = 'ElicitSlot' | 'ConfirmIntent' | 'ReadyForFulfillment';

/** Everything the engine knows about a conversation: it is DialogSession.state. */
interface Conversation {
  /** Made when the intent starts: names the conversation up to its confirmation. */
  id: string;
  intent: string;
  phase: Phase;
  slots: Record<string, string>;
  slotToElicit?: string;
  /** Unusable answers to the current question so far. */
  attempts: number;
}

interface Turn {
  sessionId: string;
  now: Date;
  text: string;
  /** Template values that do not come from slots. */
  values: Record<string, string>;
  /** The stored session's version (0: none), for the compare-and-set of this turn's save. */
  version: number;
  /** A conversation is in progress and must be marked ended if this turn ends it. */
  stored: boolean;
}

export class EmbeddedDialog implements Dialog {
  readonly kind = 'embedded';
  private readonly model: BotModel;
  private readonly sessions: SessionStore;
  private readonly clock: Clock;
  private readonly idleMs: number;
  private readonly ouChoices: string;
  private readonly nlu: IntentRecognizer;
  private readonly extractor: SlotExtractor;
  private readonly allSlots: IntentModel['slots'];

  constructor(options: EmbeddedDialogOptions) {
    this.model = options.model;
    this.sessions = options.sessions;
    this.clock = options.clock;
    this.idleMs = (options.idleMinutes ?? options.model.idleSessionTtlMinutes) * 60_000;
    this.ouChoices = joinOr(options.organizationalUnits.map((o) => o.name));
    this.nlu = new IntentRecognizer(options.model.intents);
    this.extractor = new SlotExtractor(options.model, options.organizationalUnits);
    this.allSlots = options.model.intents.flatMap((i) => i.slots);
  }

  async turn(input: DialogTurnInput): Promise<DialogTurnResult> {
    const now = this.clock.now();
    const { convo, version, live } = await this.load(input.sessionId, now);
    const t: Turn = {
      sessionId: input.sessionId,
      now,
      text: cleanInput(input.text),
      values: { firstName: input.user.firstName, lastName: input.user.lastName, ouChoices: this.ouChoices },
      version,
      stored: live,
    };
    if (
      convo?.phase === 'ReadyForFulfillment' &&
      saysAny(t.text, this.model.vocabulary.yes) &&
      !saysAny(t.text, this.model.vocabulary.no)
    ) {
      return this.result(convo, 'ReadyForFulfillment', '');
    }
    if (convo && convo.phase !== 'ReadyForFulfillment') {
      if (saysAny(t.text, this.model.vocabulary.cancel)) {
        return this.reply(t, convo, 'Cancelled', this.say(t, this.model.messages.cancelled, convo.slots));
      }
      return convo.phase === 'ElicitSlot' ? this.answerSlot(t, convo) : this.answerConfirmation(t, convo);
    }
    const findings = this.extractor.find(t.text, this.allSlots);
    const match = this.nlu.recognise(withPlaceholders(t.text, findings));
    if (!match) return this.replyWithoutIntent(t, this.say(t, this.model.messages.fallback));
    return this.start(t, match.intent, findings);
  }

  /** Nothing to do: the fulfilled conversation stays stored (to recognise a repeated "yes") until it idles out. */
  async end(_sessionId: string): Promise<void> {}

  /** A recognised intent: answer it, hand it over, or start asking for its slots. */
  private start(t: Turn, intent: IntentModel, findings: SlotFinding[]): Promise<DialogTurnResult> {
    const convo: Conversation = { id: randomUUID().slice(0, 13), intent: intent.name, phase: 'ElicitSlot', slots: {}, attempts: 0 };
    if (intent.response) return this.reply(t, convo, 'Fulfilled', this.say(t, intent.response));
    if (intent.slots.length === 0) return this.ready(t, convo);
    return this.next(t, intent, convo, this.merge(intent, convo, findings).errors);
  }

  private async answerSlot(t: Turn, convo: Conversation): Promise<DialogTurnResult> {
    const intent = this.intent(convo.intent);
    const slot = intent.slots.find((s) => s.name === convo.slotToElicit);
    if (!slot) throw new Error(`Intent ${intent.name} has no slot ${convo.slotToElicit} to ask for`);
    const findings = this.extractor.find(t.text, intent.slots, slot.name);
    const { filled, errors } = this.merge(intent, convo, findings);
    // Any slot filled is progress, even if not the one asked: ask on without counting a failure.
    if (filled > 0) return this.next(t, intent, convo, errors);
    if (!errors[slot.name]) {
      const match = this.nlu.recognise(withPlaceholders(t.text, findings));
      // Another intent, or "I would like a new account" again: the person starts over, as Lex does
      // when an utterance matches an intent instead of the slot asked for.
      if (match) return this.start(t, match.intent, findings);
    }
    const hint = errors[slot.name] ?? this.extractor.explain(slot, t.text);
    return this.retry(t, convo, retryMessage(hint, this.say(t, slot.retryPrompt ?? slot.prompt, convo.slots)));
  }

  private async answerConfirmation(t: Turn, convo: Conversation): Promise<DialogTurnResult> {
    const intent = this.intent(convo.intent);
    const { confirmation } = intent;
    if (!confirmation) throw new Error(`Intent ${intent.name} has no confirmation to answer`);
    const { filled, errors } = this.merge(intent, convo, this.extractor.find(t.text, intent.slots));
    // "Make it Production" / "no, use Experiment": a correction, to be confirmed again.
    if (filled > 0) {
      convo.attempts = 0;
      return this.next(t, intent, convo, errors);
    }
    // No before yes: "no, don't do it" contains the yes-phrase "do it".
    if (saysAny(t.text, this.model.vocabulary.no)) {
      return this.reply(t, convo, 'Cancelled', this.say(t, confirmation.declined, convo.slots));
    }
    if (saysAny(t.text, this.model.vocabulary.yes)) return this.ready(t, convo);
    const [hint = ''] = Object.values(errors);
    return this.retry(t, convo, retryMessage(hint, this.say(t, confirmation.prompt, convo.slots)));
  }

  /** Asks for the first empty slot, or for confirmation when none is left. */
  private next(t: Turn, intent: IntentModel, convo: Conversation, errors: Record<string, string>) {
    const slot = intent.slots.find((s) => !(s.name in convo.slots));
    if (!slot) {
      if (!intent.confirmation) return this.ready(t, convo);
      if (convo.phase !== 'ConfirmIntent') convo.attempts = 0;
      convo.phase = 'ConfirmIntent';
      delete convo.slotToElicit;
      return this.reply(t, convo, 'ConfirmIntent', this.say(t, intent.confirmation.prompt, convo.slots));
    }
    if (convo.phase !== 'ElicitSlot' || convo.slotToElicit !== slot.name) convo.attempts = 0;
    convo.phase = 'ElicitSlot';
    convo.slotToElicit = slot.name;
    const hint = errors[slot.name];
    const message = hint
      ? retryMessage(hint, this.say(t, slot.retryPrompt ?? slot.prompt, convo.slots))
      : this.say(t, slot.prompt, convo.slots);
    return this.reply(t, convo, 'ElicitSlot', message);
  }

  /** One more unusable answer to the current question: ask again, or give up at maxAttempts. */
  private retry(t: Turn, convo: Conversation, message: string): Promise<DialogTurnResult> {
    convo.attempts += 1;
    if (convo.attempts >= this.model.maxAttempts) {
      return this.reply(t, convo, 'Failed', this.say(t, this.model.messages.giveUp, convo.slots));
    }
    return this.reply(t, convo, convo.phase === 'ConfirmIntent' ? 'ConfirmIntent' : 'ElicitSlot', message);
  }

  private ready(t: Turn, convo: Conversation): Promise<DialogTurnResult> {
    convo.phase = 'ReadyForFulfillment';
    delete convo.slotToElicit;
    return this.reply(t, convo, 'ReadyForFulfillment', '');
  }

  /** Takes the valid findings for this intent's slots into the conversation; returns how many changed and the errors. */
  private merge(intent: IntentModel, convo: Conversation, findings: SlotFinding[]) {
    const names = new Set(intent.slots.map((s) => s.name));
    const errors: Record<string, string> = {};
    let filled = 0;
    for (const f of findings) {
      if (!names.has(f.slot)) continue;
      if (f.value === undefined) {
        if (f.error) errors[f.slot] = f.error;
      } else if (convo.slots[f.slot] !== f.value) {
        convo.slots[f.slot] = f.value;
        filled += 1;
      }
    }
    return { filled, errors };
  }

  /** Stores the conversation while it goes on and forgets it when it ends; returns Lex's answer shape. */
  private async reply(t: Turn, convo: Conversation, state: DialogState, message: string): Promise<DialogTurnResult> {
    const goesOn = state === 'ElicitSlot' || state === 'ConfirmIntent' || state === 'ReadyForFulfillment';
    if (goesOn) await this.store(t, { ...convo });
    else if (t.stored) await this.store(t, ENDED);
    return this.result(convo, state, message);
  }

  /** Lex's answer shape, slots in the model's order whatever order they were found in. */
  private result(convo: Conversation, state: DialogState, message: string): DialogTurnResult {
    const order = this.intent(convo.intent)
      .slots.map((s) => s.name)
      .filter((n) => n in convo.slots);
    const slots = Object.fromEntries(order.map((n) => [n, convo.slots[n]]));
    const result: DialogTurnResult = { intent: convo.intent, state, slots, message, conversationId: convo.id };
    if (state === 'ElicitSlot') result.slotToElicit = convo.slotToElicit;
    return result;
  }

  private async replyWithoutIntent(t: Turn, message: string): Promise<DialogTurnResult> {
    if (t.stored) await this.store(t, ENDED);
    return { intent: null, state: 'ElicitIntent', slots: {}, message };
  }

  /** Saves this turn's outcome as the next version of the session (compare-and-set). */
  private store(t: Turn, state: Record<string, unknown>): Promise<void> {
    const expiresAt = new Date(t.now.getTime() + this.idleMs);
    return this.sessions.save({ id: t.sessionId, updatedAt: t.now.toISOString(), state, version: t.version }, expiresAt, t.now);
  }

  /**
   * The stored conversation, or undefined when there is none, it has been idle too long (checked
   * here too, not only by the store), or it is not one this model can continue (the manifest changed).
   */
  private async load(sessionId: string, now: Date): Promise<{ convo?: Conversation; version: number; live: boolean }> {
    const session = await this.sessions.load(sessionId, now);
    if (!session) return { version: 0, live: false };
    const idle = now.getTime() - Date.parse(session.updatedAt);
    // `live`: stored and not marked ended, even if idle or unreadable; ending it is then written down.
    const live = session.state.ended !== true;
    return { convo: idle < this.idleMs && live ? this.parse(session.state) : undefined, version: session.version, live };
  }

  private parse(state: Record<string, unknown>): Conversation | undefined {
    const { id, intent, phase, slots, slotToElicit, attempts } = state;
    const model = this.model.intents.find((i) => i.name === intent);
    if (!model || typeof attempts !== 'number') return undefined;
    if (phase !== 'ElicitSlot' && phase !== 'ConfirmIntent' && phase !== 'ReadyForFulfillment') return undefined;
    if (typeof slots !== 'object' || slots === null || Object.values(slots).some((v) => typeof v !== 'string')) return undefined;
    if (phase === 'ElicitSlot' && !model.slots.some((s) => s.name === slotToElicit)) return undefined;
    if (phase === 'ConfirmIntent' && !model.confirmation) return undefined;
    // Sessions of an earlier release had no conversation id: they get one now.
    const convoId = typeof id === 'string' ? id : randomUUID().slice(0, 13);
    const convo: Conversation = { id: convoId, intent: model.name, phase, slots: { ...(slots as Record<string, string>) }, attempts };
    if (phase === 'ElicitSlot') convo.slotToElicit = slotToElicit as string;
    return convo;
  }

  private intent(name: string): IntentModel {
    const intent = this.model.intents.find((i) => i.name === name);
    if (!intent) throw new Error(`The bot model has no intent ${name}`);
    return intent;
  }

  private say(t: Turn, template: string, slots: Record<string, string> = {}): string {
    return render(template, { ...slots, ...t.values });
  }
}

/** What an ended conversation is stored as: no conversation, but its version stays for the next compare-and-set. */
const ENDED = { ended: true };
