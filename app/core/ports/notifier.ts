/** How the bot sends e-mail: SNS on AWS, the outbox in the embedded default. */

export interface OutgoingMessage {
  to: string;
  subject: string;
  text: string;
  requestId: string;
  /** What kind of message this is, e.g. "approval-request" or "request-succeed". */
  kind: string;
  /**
   * The same for every attempt at this one message (the effect's id): a notifier that can
   * remember what it sent skips a repeat (the outbox does; SNS e-mail stays at least once).
   */
  key?: string;
}

export interface SentMessage extends OutgoingMessage {
  sentAt: string;
}

export interface Notifier {
  readonly kind: string;
  send(message: OutgoingMessage): Promise<void>;
  /** The messages sent, newest first, where the notifier keeps them (the outbox); absent otherwise. */
  history?(limit?: number): Promise<SentMessage[]>;
}
