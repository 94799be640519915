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
   * What the message says before its question (an aside answered, something kept aside or
   * refused), where the engine can tell: a caller that words the question itself keeps it.
   */
  notice?: string;
  /**
   * The conversation still in progress when this turn asked for something else on the way (a
   * status mid-way): the caller answers, then asks its question again and keeps the conversation.
   */
  resume?: { intent: string; state: DialogState; slots: Record<string, string>; message: string };
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
