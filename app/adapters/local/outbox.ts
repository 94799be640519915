import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger, Notifier, OutgoingMessage } from '../../core/ports';

export interface OutboxEntry extends OutgoingMessage {
  sentAt: string;
}

/**
 * The embedded notifier: instead of sending e-mail, each message is written as one console line
 * and one JSON line in DATA_DIR/outbox.jsonl, and listed on the /outbox page.
 */
export class Outbox implements Notifier {
  readonly kind = 'outbox';
  private ready?: Promise<unknown>;

  constructor(
    private readonly file: string,
    private readonly log: Logger,
  ) {}

  async send(message: OutgoingMessage): Promise<void> {
    this.ready ??= mkdir(dirname(this.file), { recursive: true });
    await this.ready;
    const entry: OutboxEntry = { sentAt: new Date().toISOString(), ...message };
    await appendFile(this.file, `${JSON.stringify(entry)}\n`, 'utf8');
    this.log.info({ requestId: message.requestId, to: message.to, subject: message.subject, kind: message.kind }, 'outbox: message written');
  }

  /** Newest first. */
  async list(limit = 200): Promise<OutboxEntry[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return text
      .split('\n')
      .filter(Boolean)
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as OutboxEntry];
        } catch {
          return []; // a line cut short by a crash is skipped, not fatal
        }
      })
      .reverse()
      .slice(0, limit);
  }
}
