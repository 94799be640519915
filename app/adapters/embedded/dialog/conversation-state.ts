import { randomUUID } from 'node:crypto';
import type { BotModel } from '../../../core/bot-model';

/** Where a conversation is: asking for a slot, asking to confirm, or confirmed (kept for a repeated "yes"). */
export type Phase = 'ElicitSlot' | 'ConfirmIntent' | 'ReadyForFulfillment';

/** Everything the engine knows about a conversation: it is DialogSession.state. */
export interface Conversation {
  /** Made when the intent starts: names the conversation up to its confirmation. */
  id: string;
  intent: string;
  phase: Phase;
  slots: Record<string, string>;
  slotToElicit?: string;
  /** Unusable answers to the current question so far. */
  attempts: number;
}

/** What an ended conversation is stored as: no conversation, but its version stays for the next compare-and-set. */
export const ENDED = { ended: true };

export const newConversation = (intent: string): Conversation => ({
  id: randomUUID().slice(0, 13),
  intent,
  phase: 'ElicitSlot',
  slots: {},
  attempts: 0,
});

/** A stored conversation this model can continue, or undefined (the manifest changed, or it is not one). */
export function parseConversation(model: BotModel, state: Record<string, unknown>): Conversation | undefined {
  const { id, intent, phase, slots, slotToElicit, attempts } = state;
  const found = model.intents.find((i) => i.name === intent);
  if (!found || typeof attempts !== 'number') return undefined;
  if (phase !== 'ElicitSlot' && phase !== 'ConfirmIntent' && phase !== 'ReadyForFulfillment') return undefined;
  if (typeof slots !== 'object' || slots === null || Object.values(slots).some((v) => typeof v !== 'string')) return undefined;
  if (phase === 'ElicitSlot' && !found.slots.some((s) => s.name === slotToElicit)) return undefined;
  if (phase === 'ConfirmIntent' && !found.confirmation) return undefined;
  // Sessions of an earlier release had no conversation id: they get one now.
  const convoId = typeof id === 'string' ? id : randomUUID().slice(0, 13);
  const convo: Conversation = { id: convoId, intent: found.name, phase, slots: { ...(slots as Record<string, string>) }, attempts };
  if (phase === 'ElicitSlot') convo.slotToElicit = slotToElicit as string;
  return convo;
}
