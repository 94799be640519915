import { appendFile, mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from '../../core/ports/logger';
import type { Notifier, OutgoingMessage, SentMessage } from '../../core/ports/notifier';

/** A line of outbox.jsonl: a message and when it was written. */
export type OutboxEntry = SentMessage;

/**
 * The embedded notifier: instead of sending e-mail, each message is written as one console line
 * and one JSON line in DATA_DIR/outbox.jsonl, and listed on the /outbox page.
 */
export class Outbox implements Notifier {
  readonly kind = 'outbox';
  private ready?: Promise<unknown>;
  /** Keys of the messages in the file: each message is written once, however often it is retried. */
  private readonly sentKeys = new Set<string>();

  constructor(
    private readonly file: string,
    private readonly log: Logger,
  ) {}

  async send(message: OutgoingMessage): Promise<void> {
    this.ready ??= this.prepare().catch((err) => {
      this.ready = undefined; // try again with the next message
      throw err;
    });
    await this.ready;
    // A retry of a message that went out before its effect was recorded done (a crash, a lost answer): once is enough.
    if (message.key && this.sentKeys.has(message.key)) return;
    if (message.key) this.sentKeys.add(message.key);
    const entry: OutboxEntry = { sentAt: new Date().toISOString(), ...message };
    await appendFile(this.file, `${JSON.stringify(entry)}\n`, 'utf8');
    this.log.info(
      { requestId: message.requestId, to: message.to, subject: message.subject, kind: message.kind },
      'outbox: message written',
    );
  }

  /**
   * Before the first message: a crash (kill -9) can leave the last line cut short. It is ended
   * here, so the next message starts a line of its own instead of being glued to the torn one.
   */
  private async prepare(): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    for (const entry of await this.entries()) if (entry.key) this.sentKeys.add(entry.key);
    const handle = await open(this.file, 'a+');
    try {
      const { size } = await handle.stat();
      if (size === 0) return;
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) await handle.appendFile('\n');
    } finally {
      await handle.close();
    }
  }

  /** Newest first. */
  async history(limit = 200): Promise<OutboxEntry[]> {
    return (await this.entries()).reverse().slice(0, limit);
  }

  /** Every message in the file, oldest first. */
  private async entries(): Promise<OutboxEntry[]> {
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
      });
  }
}
