import type { BotModel, IntentModel, SlotModel } from '../../../core/bot-model';
import type { Clock } from '../../../core/ports/clock';
import type { Dialog, DialogTurnInput, DialogTurnResult } from '../../../core/ports/dialog';
import type { SessionStore } from '../../../core/ports/sessions';
import type { OrganizationalUnit } from '../../../core/request/account-request';
import { REQUEST_ID } from '../../../core/request/validation';
import { Asides } from './asides';
import { type Conversation, ENDED, newConversation, parseConversation } from './conversation-state';
import { IntentRecognizer, withPlaceholders } from './nlu';
import { type Hints, Replies, type Turn } from './replies';
import { retryMessage, SlotExtractor, type SlotFinding } from './slot-extraction';
import { cleanInput, joinOr, onlySays, saysAny } from './text';

/**
 * The embedded dialog engine: runs the bot model (manifest/bot.yml) when Amazon Lex V2 is not
 * configured, and answers in Lex V2's terms (dialog states, interpreted slot values) so a door
 * cannot tell which one it talks to.
 *
 * A conversation lives only in the SessionStore, written after every turn: the engine holds no
 * per-session memory, so a restart or a second instance continues it.
 *
 * Conversation rules (where Lex leaves a choice, the simple one):
 * - Required slots are asked in the model's order; one sentence may fill several, optional ones
 *   (a name, a reason) included, at any turn. Typos and loose answers are read when one value fits.
 * - A question or a greeting instead of an answer is answered, and the question asked again
 *   without counting a failed attempt; a status asked on the way is handed over with `resume`.
 * - An invalid answer gets the validator's message and the retry prompt; after `maxAttempts` of
 *   them the engine says what it kept and what it needs, and the next message continues there.
 * - Cancel words stop a conversation in progress; "start over" begins it again.
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

const MENTIONS_REQUEST_ID = new RegExp(REQUEST_ID.source.replace(/^\^|\$$/g, ''), 'i');

export class EmbeddedDialog implements Dialog {
  readonly kind = 'embedded';
  private readonly model: BotModel;
  private readonly sessions: SessionStore;
  private readonly clock: Clock;
  private readonly idleMs: number;
  private readonly ouChoices: string;
  private readonly nlu: IntentRecognizer;
  private readonly extractor: SlotExtractor;
  private readonly asides: Asides;
  private readonly replies: Replies;
  private readonly allSlots: SlotModel[];
  /** Per intent, the slots a turn of its conversation looks for: its own first, then every other. */
  private readonly turnSlots = new Map<IntentModel, SlotModel[]>();

  constructor(options: EmbeddedDialogOptions) {
    this.model = options.model;
    this.sessions = options.sessions;
    this.clock = options.clock;
    this.idleMs = (options.idleMinutes ?? options.model.idleSessionTtlMinutes) * 60_000;
    this.ouChoices = joinOr(options.organizationalUnits.map((o) => o.name));
    this.nlu = new IntentRecognizer(options.model.intents);
    this.extractor = new SlotExtractor(options.model, options.organizationalUnits, (w) => this.nlu.knows(w));
    this.asides = new Asides(options.model, this.extractor);
    this.replies = new Replies(options.model, this.asides, (t, state) => this.store(t, state));
    this.allSlots = options.model.intents.flatMap((i) => i.slots);
  }

  async turn(input: DialogTurnInput): Promise<DialogTurnResult> {
    const now = this.clock.now();
    const { convo, version, live } = await this.load(input.sessionId, now);
    const t: Turn = {
      sessionId: input.sessionId,
      text: cleanInput(input.text),
      values: { firstName: input.user.firstName, lastName: input.user.lastName, ouChoices: this.ouChoices },
      now,
      version,
      stored: live,
    };
    const { vocabulary } = this.model;
    if (convo?.phase === 'ReadyForFulfillment' && saysAny(t.text, vocabulary.yes) && !saysAny(t.text, vocabulary.no)) {
      return this.replies.result(convo, 'ReadyForFulfillment', '');
    }
    if (convo && convo.phase !== 'ReadyForFulfillment') return this.answer(t, convo);
    const findings = this.extractor.find(t.text, this.allSlots);
    const match = this.nlu.recognise(withPlaceholders(t.text, findings))?.intent;
    // "cancel" with nothing in progress: never a withdrawal by accident.
    if (saysAny(t.text, vocabulary.cancel) && (!match || onlySays(t.text, vocabulary.cancel))) {
      return this.replies.withoutIntent(t, this.replies.say(t, this.model.messages.nothingToCancel));
    }
    if (!match) return this.replies.withoutIntent(t, this.replies.say(t, this.model.messages.fallback));
    return this.start(t, match, findings);
  }

  private slotsOf(intent: IntentModel): SlotModel[] {
    let slots = this.turnSlots.get(intent);
    if (!slots) {
      slots = [...intent.slots, ...this.allSlots];
      this.turnSlots.set(intent, slots);
    }
    return slots;
  }

  /** Nothing to do: the fulfilled conversation stays stored (to recognise a repeated "yes") until it idles out. */
  async end(_sessionId: string): Promise<void> {}

  /** A recognised intent: answer it, hand it over, or start asking for its slots. */
  private start(t: Turn, recognised: IntentModel, findings: SlotFinding[]): Promise<DialogTurnResult> {
    const intent = this.intent(recognised.startsOver ?? recognised.whenIdle ?? recognised.name);
    const convo = newConversation(intent.name);
    if (this.asides.isAside(intent)) {
      return this.replies.reply(t, convo, 'Fulfilled', this.asides.answer(intent, findings, undefined, t.values));
    }
    const { hints } = this.merge(intent, convo, findings);
    if (!intent.slots.some((s) => s.required)) return this.replies.ready(t, convo);
    return this.replies.next(t, intent, convo, hints, this.asides.oneAtATime(t.text, findings, t.values));
  }

  /** A turn of a conversation in progress: an answer, a correction, a question on the way, or a way out. */
  private async answer(t: Turn, convo: Conversation): Promise<DialogTurnResult> {
    const { vocabulary, messages } = this.model;
    const intent = this.intent(convo.intent);
    if (saysAny(t.text, vocabulary.cancel) && !MENTIONS_REQUEST_ID.test(t.text)) {
      return this.replies.reply(t, convo, 'Cancelled', this.replies.say(t, messages.cancelled, convo.slots));
    }
    const asked = convo.phase === 'ElicitSlot' ? intent.slots.find((s) => s.name === convo.slotToElicit) : undefined;
    let findings = this.extractor.find(t.text, this.slotsOf(intent), asked?.name);
    const match = this.nlu.recognise(withPlaceholders(t.text, findings))?.intent;
    const other = match && match.name !== intent.name ? match : undefined;

    if (other?.startsOver === intent.name) {
      Object.assign(convo, { slots: {}, attempts: 0, phase: 'ElicitSlot' });
      delete convo.slotToElicit;
      const { hints } = this.merge(intent, convo, findings);
      return this.replies.next(t, intent, convo, hints, this.replies.say(t, messages.startedOver));
    }
    // A name or a reason asked for: the whole answer is it, unless it skips or asks for something else.
    if (asked && this.extractor.takesAnything(asked) && !other) {
      if (onlySays(t.text, vocabulary.skip)) {
        delete convo.slotToElicit;
        return this.replies.next(t, intent, convo, {});
      }
      if (!findings.some((f) => f.slot === asked.name)) findings = [this.extractor.whole(asked, t.text), ...findings];
    }
    const { filled, hints } = this.merge(intent, convo, findings);
    const notice = this.asides.oneAtATime(t.text, findings, t.values);
    if (filled > 0) {
      convo.attempts = 0;
      return this.replies.next(t, intent, convo, hints, notice);
    }
    if (convo.phase === 'ConfirmIntent') {
      const topic = this.extractor.topic(findings);
      // "change the OU": ask for it again (an optional one too), then confirm again.
      if (topic && saysAny(t.text, vocabulary.change) && intent.slots.some((s) => s.name === topic)) {
        delete convo.slots[topic];
        Object.assign(convo, { phase: 'ElicitSlot', slotToElicit: topic, attempts: 0 });
        return this.replies.next(t, intent, convo, {});
      }
      // "What happens if I say yes?" asks; it does not answer.
      const asks = /\?\s*$/.test(t.text) && !onlySays(t.text, [...vocabulary.yes, ...vocabulary.no]);
      // No before yes: "no, don't do it" contains the yes-phrase "do it".
      if (!asks && saysAny(t.text, vocabulary.no)) {
        return this.replies.reply(t, convo, 'Cancelled', this.replies.say(t, intent.confirmation?.declined ?? '', convo.slots));
      }
      if (!asks && saysAny(t.text, vocabulary.yes)) return this.replies.ready(t, convo);
    }
    if (other && this.asides.isAside(other))
      return this.replies.askAgain(t, intent, convo, this.asides.answer(other, findings, convo, t.values));
    if (other && !other.slots.some((s) => s.required)) return this.replies.handOver(t, intent, convo, other, findings);
    const hint = asked ? hints[asked.name] : Object.values(hints)[0];
    if (hint && !hint.counts) return this.replies.askAgain(t, intent, convo, hint.text);
    // "I would like a new account" again while a slot is asked: the person starts over, as Lex does
    // when an utterance matches an intent instead of the slot asked for.
    if (!hint && match && asked) return this.start(t, match, findings);
    const why = hint?.text ?? (asked ? this.extractor.explain(asked, t.text) : '');
    const question = asked
      ? this.replies.say(t, asked.retryPrompt ?? asked.prompt, convo.slots)
      : this.replies.confirmation(t, intent, convo);
    return this.replies.retry(t, intent, convo, retryMessage(why, question));
  }

  /** Takes the valid findings for this intent's slots into the conversation; returns how many changed and the hints. */
  private merge(intent: IntentModel, convo: Conversation, findings: SlotFinding[]): { filled: number; hints: Hints } {
    const names = new Set(intent.slots.map((s) => s.name));
    const hints: Hints = {};
    let filled = 0;
    for (const f of findings) {
      if (!names.has(f.slot)) continue;
      if (f.askBack) {
        const text = this.replies.say({ values: {} }, this.model.messages[f.askBack.why], { choices: joinOr(f.askBack.choices) });
        hints[f.slot] = { text, counts: false };
      } else if (f.value === undefined) {
        if (f.error) hints[f.slot] = { text: f.error, counts: true };
      } else if (convo.slots[f.slot] !== f.value) {
        convo.slots[f.slot] = f.value;
        filled += 1;
      }
    }
    return { filled, hints };
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
    const live = session.state.ended !== ENDED.ended;
    const convo = idle < this.idleMs && live ? parseConversation(this.model, session.state) : undefined;
    return { convo, version: session.version, live };
  }

  private intent(name: string): IntentModel {
    const intent = this.model.intents.find((i) => i.name === name);
    if (!intent) throw new Error(`The bot model has no intent ${name}`);
    return intent;
  }
}
