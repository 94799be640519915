import { type FileHandle, mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from '../../core/ports/logger';
import type { Notifier, OutgoingMessage, SentMessage } from '../../core/ports/notifier';

/** A line of outbox.jsonl: a message and when it was written. */
export type OutboxEntry = SentMessage;

/**
 * The embedded notifier: instead of sending e-mail, each message is written as one console line
 * and one JSON line in DATA_DIR/outbox.jsonl, and listed on the /outbox page.
 */
/** The file is closed when no message came for this long (it is kept open while messages come). */
const IDLE_CLOSE_MS = 1_000;

export class Outbox implements Notifier {
  readonly kind = 'outbox';
  private ready?: Promise<unknown>;
  /** Keys of the messages in the file: each message is written once, however often it is retried. */
  private readonly sentKeys = new Set<string>();
  /** Writes (and the close) one after the other, so lines never interleave and a key is checked after the write before it. */
  private queue: Promise<unknown> = Promise.resolve();
  private file$?: Promise<FileHandle>;
  private idle?: NodeJS.Timeout;

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
    const written = this.queued(async () => {
      // A retry of a message that went out before its effect was recorded done (a crash, a lost answer): once is enough.
      if (message.key && this.sentKeys.has(message.key)) return false;
      const entry: OutboxEntry = { sentAt: new Date().toISOString(), ...message };
      try {
        this.file$ ??= open(this.file, 'a');
        await (await this.file$).appendFile(`${JSON.stringify(entry)}\n`, 'utf8');
      } catch (err) {
        // Opened afresh, and a line the failure may have cut short is ended first (prepare), for the retry.
        const handle = this.file$;
        this.file$ = undefined;
        this.ready = undefined;
        await (await handle?.catch(() => undefined))?.close().catch(() => undefined);
        throw err;
      }
      // Only once it is written: a write that failed is tried again with the effect's retry.
      if (message.key) this.sentKeys.add(message.key);
      return true;
    });
    if (!(await written)) return;
    this.log.info(
      { requestId: message.requestId, to: message.to, subject: message.subject, kind: message.kind },
      'outbox: message written',
    );
  }

  /** Runs `work` after the writes before it; the file is closed once none followed for a while. */
  private queued<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined).then(() => this.closeWhenIdle());
    return run;
  }

  private closeWhenIdle(): void {
    clearTimeout(this.idle);
    this.idle = setTimeout(() => {
      this.queue = this.queue.then(async () => {
        const handle = this.file$;
        this.file$ = undefined;
        await (await handle?.catch(() => undefined))?.close();
      });
    }, IDLE_CLOSE_MS);
    this.idle.unref();
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
