import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { truncate } from '../../core/effects/messages';
import type { Logger } from '../../core/ports/logger';
import type { Notifier, OutgoingMessage } from '../../core/ports/notifier';

/**
 * The Notifier port on Amazon SNS: every message is published to one topic whose subscribers
 * are e-mail addresses (approvers and requesters).
 *
 * Why message attributes: one topic serves many recipients, and an approval message carries a
 * link signed for one approver alone. Each e-mail subscription has a filter policy on `to`
 * (e.g. {"to": ["boss@example.com"]}), so every subscriber receives only the messages addressed to
 * them, each with their own link. `kind` and `requestId` are there for other filters and for
 * tracing (subscriptions can filter on `kind` too, e.g. only "approval-request").
 *
 * A failed publish throws: the effects dispatcher retries it from the stored state.
 * IAM: sns:Publish on the topic (plus kms:GenerateDataKey and kms:Decrypt on its key when the
 * topic is encrypted with a customer managed key).
 */

export interface SnsNotifierOptions {
  /** A ready client (tests, or a shared one); otherwise one with the SDK's standard settings (AWS_ENDPOINT_URL_SNS...). */
  client?: SNSClient;
  topicArn: string;
  log: Logger;
}

/** SNS accepts at most 256 KiB per message, attributes included. */
export const SNS_MAX_BYTES = 262_144;
/** What a shortened message ends with. */
export const TRUNCATION_NOTE = '\n\n[This message was too long for e-mail and has been shortened.]';

export class SnsNotifier implements Notifier {
  readonly kind = 'sns';
  private readonly client: SNSClient;
  private readonly topicArn: string;
  private readonly log: Logger;

  constructor(options: SnsNotifierOptions) {
    this.client = options.client ?? new SNSClient({});
    this.topicArn = options.topicArn;
    this.log = options.log.child({ notifier: 'sns' });
  }

  async send(message: OutgoingMessage): Promise<void> {
    const attributes = {
      to: message.to,
      kind: message.kind,
      requestId: message.requestId,
    };
    // SNS e-mail subjects: at most 100 ASCII characters, no line breaks, not empty.
    const subject = truncate(message.subject).trim() || truncate(`Account request ${message.requestId}`);
    const attributesBytes = Object.entries(attributes).reduce(
      (n, [name, value]) => n + Buffer.byteLength(name) + Buffer.byteLength('String') + Buffer.byteLength(value),
      0,
    );
    const text = fitBytes(message.text || ' ', SNS_MAX_BYTES - attributesBytes - Buffer.byteLength(subject));
    if (text !== message.text && message.text) {
      this.log.warn(
        { requestId: message.requestId, kind: message.kind, bytes: Buffer.byteLength(message.text) },
        'message too long for SNS: shortened',
      );
    }
    const out = await this.client.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: subject,
        Message: text,
        MessageAttributes: Object.fromEntries(
          Object.entries(attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
        ),
      }),
    );
    this.log.info({ requestId: message.requestId, kind: message.kind, messageId: out.MessageId }, 'published to SNS');
  }
}

/** The text as it is when it fits in `maxBytes` of UTF-8, else cut on a character boundary with a note. */
function fitBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const room = maxBytes - Buffer.byteLength(TRUNCATION_NOTE);
  let bytes = 0;
  let end = 0;
  for (const ch of text) {
    const size = Buffer.byteLength(ch);
    if (bytes + size > room) break;
    bytes += size;
    end += ch.length;
  }
  return text.slice(0, end) + TRUNCATION_NOTE;
}
