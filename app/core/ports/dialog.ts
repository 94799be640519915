/**
 * The Dialog port: one turn of conversation in, one interpreted result out. The embedded engine
 * and Lex V2 both answer in this shape, so the doors cannot tell them apart.
 */

export type DialogState =
  /** No intent recognised yet (fallback or greeting). */
  | 'ElicitIntent'
  /** Asking for `slotToElicit`. */
  | 'ElicitSlot'
  /** All slots filled; asking the user to confirm. */
  | 'ConfirmIntent'
  /** Confirmed: the caller fulfils the intent (creates the request, lists status...). */
  | 'ReadyForFulfillment'
  /** The intent needs no fulfilment (help); the message is the answer. */
  | 'Fulfilled'
  /** The user said no or cancel. */
  | 'Cancelled'
  /** Too many invalid answers: the engine gave up politely. */
  | 'Failed';

export interface DialogUser {
  firstName: string;
  lastName: string;
  email: string;
}

export interface DialogTurnInput {
  /** One conversation per person and door, e.g. "rest:jane@example.com". */
  sessionId: string;
  text: string;
  user: DialogUser;
}

export interface DialogTurnResult {
  /** Recognised intent name from the bot model, or null when none was. */
  intent: string | null;
  state: DialogState;
  /** Interpreted (canonical) slot values filled so far. */
  slots: Record<string, string>;
  slotToElicit?: string;
  /** What to say to the person. */
  message: string;
  /**
   * Names this conversation (from its first turn to its confirmation), where the engine can: a
   * confirmation creates at most one request per conversation id, however often it is repeated.
   */
  conversationId?: string;
}

export interface Dialog {
  /** "embedded" or "lex"; shown in health output. */
  readonly kind: string;
  turn(input: DialogTurnInput): Promise<DialogTurnResult>;
  /** After fulfilment: the engine may forget the conversation (Lex) or keep it to recognise a repeated confirmation (embedded). */
  end(sessionId: string): Promise<void>;
}

/** A stored conversation; `state` is owned by the engine that wrote it. */
export interface DialogSession {
  id: string;
  updatedAt: string;
  state: Record<string, unknown>;
  /** How many times it was saved; a save is a compare-and-set on it (0: not stored yet). */
  version: number;
}

/** Another turn of the same conversation saved first: this turn must run again on the fresh state. */
export class SessionConflictError extends Error {
  override name = 'SessionConflictError';
}

/**
 * The dialog service cannot answer now (throttled, down, unreachable). Doors tell the person
 * plainly and offer a way that does not depend on it (the Slack form); nothing is created.
 */
export class DialogUnavailableError extends Error {
  override name = 'DialogUnavailableError';
}
