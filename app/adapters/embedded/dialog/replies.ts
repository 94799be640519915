import { type BotModel, type IntentModel, render, renderParts } from '../../../core/bot-model';
import type { DialogState, DialogTurnResult } from '../../../core/ports/dialog';
import type { Asides } from './asides';
import { type Conversation, ENDED } from './conversation-state';
import { retryMessage, type SlotFinding } from './slot-extraction';

/** One turn as the engine sees it. */
export interface Turn {
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

/** Why an answer was not taken, per slot; `counts`: whether it was a failed attempt (an ask-back is not). */
export type Hints = Record<string, { text: string; counts: boolean }>;

/** What the engine says and stores at the end of a turn: the next question, an ask-back, a give-up, the result. */
export class Replies {
  constructor(
    private readonly model: BotModel,
    private readonly asides: Asides,
    private readonly save: (t: Turn, state: Record<string, unknown>) => Promise<void>,
  ) {}

  /** Asks for the slot asked explicitly or the first empty required one, or for confirmation when none is left. */
  next(t: Turn, intent: IntentModel, convo: Conversation, hints: Hints, notice?: string): Promise<DialogTurnResult> {
    const explicit = intent.slots.find((s) => s.name === convo.slotToElicit && !s.required && !(s.name in convo.slots));
    const slot = explicit ?? intent.slots.find((s) => s.required && !(s.name in convo.slots));
    if (!slot) {
      if (!intent.confirmation) return this.ready(t, convo);
      if (convo.phase !== 'ConfirmIntent') convo.attempts = 0;
      convo.phase = 'ConfirmIntent';
      delete convo.slotToElicit;
      return this.reply(t, convo, 'ConfirmIntent', join(notice, this.confirmation(t, intent, convo)), notice);
    }
    if (convo.phase !== 'ElicitSlot' || convo.slotToElicit !== slot.name) convo.attempts = 0;
    convo.phase = 'ElicitSlot';
    convo.slotToElicit = slot.name;
    const hint = hints[slot.name];
    const question = hint
      ? retryMessage(hint.text, this.say(t, slot.retryPrompt ?? slot.prompt, convo.slots))
      : this.say(t, slot.prompt, convo.slots);
    return this.reply(t, convo, 'ElicitSlot', join(notice, question), notice);
  }

  /** Something said on the way (an answer to a question, an ask-back): then the question again, no attempt counted. */
  askAgain(t: Turn, intent: IntentModel, convo: Conversation, said: string): Promise<DialogTurnResult> {
    const state = convo.phase === 'ConfirmIntent' ? 'ConfirmIntent' : 'ElicitSlot';
    return this.reply(t, convo, state, join(said, this.question(t, intent, convo)), said || undefined);
  }

  /** One more unusable answer: ask again, or at maxAttempts say what was kept and what is needed, and go on from there. */
  retry(t: Turn, intent: IntentModel, convo: Conversation, message: string): Promise<DialogTurnResult> {
    convo.attempts += 1;
    const state = convo.phase === 'ConfirmIntent' ? 'ConfirmIntent' : 'ElicitSlot';
    if (convo.attempts < this.model.maxAttempts) return this.reply(t, convo, state, message);
    convo.attempts = 0;
    const progress = this.say(t, this.asides.progress(intent, convo), convo.slots);
    return this.reply(t, convo, state, this.say(t, this.model.messages.giveUp, { ...convo.slots, progress }));
  }

  /** Another intent asked on the way (a status): the caller answers it, then asks the question again. */
  handOver(t: Turn, intent: IntentModel, convo: Conversation, other: IntentModel, findings: SlotFinding[]): DialogTurnResult {
    const names = new Set(other.slots.map((s) => s.name));
    const slots = Object.fromEntries(findings.filter((f) => names.has(f.slot) && f.value).map((f) => [f.slot, f.value as string]));
    const state = convo.phase === 'ConfirmIntent' ? 'ConfirmIntent' : 'ElicitSlot';
    // The conversation in progress stays as it is stored: nothing to save.
    const resume = {
      intent: intent.name,
      state,
      slots: this.ordered(intent, convo.slots),
      message: this.question(t, intent, convo),
    } as const;
    return { intent: other.name, state: 'ReadyForFulfillment', slots, message: '', resume };
  }

  ready(t: Turn, convo: Conversation): Promise<DialogTurnResult> {
    convo.phase = 'ReadyForFulfillment';
    delete convo.slotToElicit;
    return this.reply(t, convo, 'ReadyForFulfillment', '');
  }

  /** The confirmation prompt as the engine can say it: {AccountName} stays for the caller when none was chosen. */
  confirmation(t: Turn, intent: IntentModel, convo: Conversation): string {
    const c = intent.confirmation;
    if (!c) return '';
    return this.say(t, c.prompt, { ...convo.slots, ...renderParts(c.parts, { ...convo.slots, ...t.values }) });
  }

  /** Stores the conversation while it goes on and forgets it when it ends; returns Lex's answer shape. */
  async reply(t: Turn, convo: Conversation, state: DialogState, message: string, notice?: string): Promise<DialogTurnResult> {
    const goesOn = state === 'ElicitSlot' || state === 'ConfirmIntent' || state === 'ReadyForFulfillment';
    if (goesOn) await this.save(t, { ...convo, slots: { ...convo.slots } });
    else if (t.stored) await this.save(t, ENDED);
    return this.result(convo, state, message, notice);
  }

  async withoutIntent(t: Turn, message: string): Promise<DialogTurnResult> {
    if (t.stored) await this.save(t, ENDED);
    return { intent: null, state: 'ElicitIntent', slots: {}, message };
  }

  /** Lex's answer shape, slots in the model's order whatever order they were found in. */
  result(convo: Conversation, state: DialogState, message: string, notice?: string): DialogTurnResult {
    const intent = this.model.intents.find((i) => i.name === convo.intent);
    const slots = intent ? this.ordered(intent, convo.slots) : { ...convo.slots };
    const result: DialogTurnResult = { intent: convo.intent, state, slots, message, conversationId: convo.id };
    if (state === 'ElicitSlot') result.slotToElicit = convo.slotToElicit;
    if (notice && (state === 'ElicitSlot' || state === 'ConfirmIntent')) result.notice = notice;
    return result;
  }

  say(t: Pick<Turn, 'values'>, template: string, slots: Record<string, string> = {}): string {
    return render(template, { ...slots, ...t.values });
  }

  /** The question the conversation is at: the slot asked (as asked again) or the confirmation. */
  private question(t: Turn, intent: IntentModel, convo: Conversation): string {
    if (convo.phase === 'ConfirmIntent') return this.confirmation(t, intent, convo);
    const slot = intent.slots.find((s) => s.name === convo.slotToElicit);
    return slot ? this.say(t, slot.retryPrompt ?? slot.prompt, convo.slots) : '';
  }

  private ordered(intent: IntentModel, slots: Record<string, string>): Record<string, string> {
    return Object.fromEntries(intent.slots.filter((s) => s.name in slots).map((s) => [s.name, slots[s.name]]));
  }
}

const join = (...parts: Array<string | undefined>): string => parts.filter(Boolean).join(' ');
