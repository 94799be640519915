import { ClassicLevel } from 'classic-level';
import { VendingError } from '../../../core/errors';
import { bytewise, prefixesOf, prefixOf, type Range } from './keys';

/**
 * The one LevelDB database (classic-level) the native store keeps under DATA_DIR/store.
 *
 * - One process owns it: LevelDB locks the directory (fcntl on its LOCK file, released by the
 *   kernel when the process dies, kill -9 included); a second process is refused (StoreInUseError).
 * - Every write is one transaction: `write(work)` runs `work` alone among the writers of this
 *   process (so, with the lock, alone among all writers), lets it read (its own writes included)
 *   and collect puts and deletes, and commits them as one WriteBatch: all of it or nothing, also
 *   across a crash (LevelDB logs a batch as one checksummed record and replays only whole ones).
 *   A `work` that throws writes nothing.
 * - Group commit: the transactions that queue up while a batch is being written run next, one
 *   after the other, each reading what the ones before it wrote, and are committed together in
 *   the next batch; each is acknowledged (or refused) only when that batch is written. One batch
 *   per group instead of one per transaction: under load, far fewer trips to LevelDB's thread.
 * - Acknowledged means in the operating system: a batch returns once LevelDB has written its log
 *   record with write(2), so a process crash (kill -9) loses no acknowledged write. `sync: true`
 *   also waits for fdatasync, for machine crashes and power loss (slower: a disk flush per write).
 * - Reads outside a write see whole batches only; `read(work)` gives several reads one snapshot.
 */

export class StoreInUseError extends VendingError {
  constructor(readonly location: string) {
    super(
      `The data directory's store (${location}) is in use by another process (LevelDB holds its LOCK file): ` +
        'stop the other server, or give this one its own DATA_DIR.',
    );
  }
}

export interface DatabaseOptions {
  /** Flush each write to the disk before acknowledging it (power-loss durable); default false (process-crash durable). */
  sync?: boolean;
}

type Db = ClassicLevel<string, string>;
type Snapshot = ReturnType<Db['snapshot']>;
export type Entry<T> = { key: string; value: T };

/** What reads need: one key, or a range of keys. */
export interface Reader {
  get<T>(key: string): T | undefined;
  range<T>(range: Range, opts?: { reverse?: boolean; limit?: number }): Promise<Array<Entry<T>>>;
  /**
   * Told by a writer that nothing is stored in these ranges and at these keys (what the key design
   * guarantees, such as a new request's effects): they are then read from memory, not looked for.
   */
  storedNothing?(ranges: readonly Range[], keys: readonly string[]): void;
}

/** A transaction waiting for its turn, and who to tell how it went. */
interface Job {
  work: (tx: Transaction) => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/** At most this many transactions in one batch (a bound on a batch's size and on a group's latency). */
const GROUP_MAX = 64;
/** Keys whose stored value (or absence) is remembered for `get`, most recently used kept. */
const CACHED_KEYS = 5_000;
/** Whole ranges under a prefix (a scope's effects) remembered for `range`, most recently used kept. */
const CACHED_RANGES = 2_000;

export class StoreDatabase implements Reader {
  private waiting: Job[] = [];
  /** Whether a drain is under way (it may also finish synchronously, before `writing` is set). */
  private draining = false;
  private writing: Promise<void> = Promise.resolve();
  private closed = false;
  /**
   * What `get` read or a batch wrote, per key (undefined: no such key). This process is the only
   * writer (the LOCK file), so the cache cannot go stale: each batch updates it once written.
   * Reads of a snapshot and ranges go to LevelDB.
   */
  private readonly cache = new Map<string, string | undefined>();
  /** Whole prefix ranges (their entries as stored, in key order), kept exact the same way. */
  private readonly ranges = new Map<string, Array<[string, string]>>();
  /** Counts the batches that finished (written or failed): a range read across one is not cached. */
  private generation = 0;

  private constructor(
    private readonly db: Db,
    readonly location: string,
    private readonly sync: boolean,
  ) {}

  static async open(location: string, opts: DatabaseOptions = {}): Promise<StoreDatabase> {
    const db: Db = new ClassicLevel<string, string>(location, { keyEncoding: 'utf8', valueEncoding: 'utf8' });
    try {
      await db.open();
    } catch (err) {
      if ((err as { cause?: { code?: string } }).cause?.code === 'LEVEL_LOCKED') throw new StoreInUseError(location);
      throw err;
    }
    return new StoreDatabase(db, location, opts.sync ?? false);
  }

  get<T>(key: string, snapshot?: Snapshot): T | undefined {
    const raw = snapshot ? this.db.getSync(key, { snapshot }) : this.cached(key);
    return raw === undefined ? undefined : (JSON.parse(raw) as T);
  }

  private cached(key: string): string | undefined {
    if (this.cache.has(key)) {
      const raw = this.cache.get(key);
      this.remember(key, raw);
      return raw;
    }
    const raw = this.db.getSync(key);
    this.remember(key, raw);
    return raw;
  }

  private remember(key: string, raw: string | undefined): void {
    this.cache.delete(key);
    this.cache.set(key, raw);
    if (this.cache.size > CACHED_KEYS) this.cache.delete(this.cache.keys().next().value as string);
  }

  async range<T>(range: Range, opts: { reverse?: boolean; limit?: number; snapshot?: Snapshot } = {}): Promise<Array<Entry<T>>> {
    const prefix = opts.snapshot || opts.limit !== undefined ? undefined : prefixOf(range);
    let entries = prefix === undefined ? undefined : this.ranges.get(prefix);
    if (prefix !== undefined && entries) this.rememberRange(prefix, entries);
    if (!entries) {
      const generation = this.generation;
      entries = await this.db
        .iterator({
          ...range,
          reverse: false,
          limit: opts.reverse ? -1 : (opts.limit ?? -1),
          ...(opts.snapshot ? { snapshot: opts.snapshot } : {}),
        })
        .all();
      // A batch that finished while the iterator read may or may not be in it (and its writes were applied
      // to the cache already): such a read is not kept. One still under way is applied when it finishes.
      if (prefix !== undefined && generation === this.generation) this.rememberRange(prefix, entries);
    }
    const ordered = opts.reverse ? [...entries].reverse().slice(0, opts.limit ?? entries.length) : entries;
    return ordered.map(([key, value]) => ({ key, value: JSON.parse(value) as T }));
  }

  storedNothing(ranges: readonly Range[], keys: readonly string[]): void {
    for (const range of ranges) {
      const prefix = prefixOf(range);
      if (prefix !== undefined && !this.ranges.has(prefix)) this.rememberRange(prefix, []);
    }
    for (const key of keys) if (!this.cache.has(key)) this.remember(key, undefined);
  }

  private rememberRange(prefix: string, entries: Array<[string, string]>): void {
    this.ranges.delete(prefix);
    this.ranges.set(prefix, entries);
    if (this.ranges.size > CACHED_RANGES) this.ranges.delete(this.ranges.keys().next().value as string);
  }

  /** A written batch, applied to what is cached of the keys and ranges it touched. */
  private written(ops: Op[]): void {
    this.generation++;
    for (const op of ops) {
      const raw = op.type === 'put' ? op.value : undefined;
      this.remember(op.key, raw);
      for (const prefix of prefixesOf(op.key)) {
        const entries = this.ranges.get(prefix);
        if (!entries) continue;
        const at = entries.findIndex(([k]) => bytewise(k, op.key) >= 0);
        const same = at >= 0 && entries[at][0] === op.key;
        const next = [...entries];
        if (raw === undefined) {
          if (same) next.splice(at, 1);
        } else if (same) next[at] = [op.key, raw];
        else next.splice(at < 0 ? next.length : at, 0, [op.key, raw]);
        this.ranges.set(prefix, next);
      }
    }
  }

  /** Several reads from one point in time. */
  async read<T>(work: (view: Reader) => Promise<T>): Promise<T> {
    const snapshot = this.db.snapshot();
    try {
      return await work({
        get: <V>(key: string) => this.get<V>(key, snapshot),
        range: <V>(range: Range, opts: { reverse?: boolean; limit?: number } = {}) => this.range<V>(range, { ...opts, snapshot }),
      });
    } finally {
      await snapshot.close();
    }
  }

  /** Runs `work` alone among writers and commits what it wrote as one atomic batch (see above). */
  write<T>(work: (tx: Transaction) => Promise<T> | T): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`The store at ${this.location} is closed`));
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.draining) this.writing = this.drain();
    });
  }

  /** Groups the waiting transactions into batches until none waits. */
  private async drain(): Promise<void> {
    this.draining = true;
    try {
      await this.drainGroups();
    } finally {
      this.draining = false;
      // Transactions queued by those just told (their callers ran before this line): the next group.
      if (this.waiting.length > 0) this.writing = this.drain();
    }
  }

  private async drainGroups(): Promise<void> {
    while (this.waiting.length > 0) {
      const group = this.waiting.splice(0, GROUP_MAX);
      // What the group has written so far: each transaction reads through it to the stored data.
      const written = new Transaction(this);
      const done: Array<{ job: Job; result: unknown }> = [];
      const refused: Array<{ job: Job; err: unknown }> = [];
      for (const job of group) {
        const tx = new Transaction(written);
        try {
          const result = await job.work(tx);
          written.absorb(tx);
          done.push({ job, result });
        } catch (err) {
          refused.push({ job, err }); // wrote nothing; the others of the group go on
        }
      }
      const ops = written.operations();
      try {
        if (ops.length > 0) await this.commit(ops);
      } catch (err) {
        // Whether LevelDB kept any of it is unknown: what is cached of these keys is read again.
        this.generation++;
        for (const op of ops) {
          this.cache.delete(op.key);
          for (const prefix of prefixesOf(op.key)) this.ranges.delete(prefix);
        }
        // A refusal may rest on what the group wrote (a hold taken before it): that never landed either.
        for (const { job } of [...done, ...refused]) job.reject(err);
        continue;
      }
      this.written(ops);
      for (const { job, result } of done) job.resolve(result);
      // Told only now: a refusal may rest on a write of this group (the hold of the request that won),
      // and what its caller reads next (the winner, to name it) must be there.
      for (const { job, err } of refused) job.reject(err);
    }
  }

  /**
   * One WriteBatch of `ops`, built with the chained form of batch(): each put goes to the native
   * batch as it is added, where the array form first clones and re-encodes every operation in
   * JavaScript (a few µs each, measured: about a third of that per operation this way).
   */
  private async commit(ops: readonly Op[]): Promise<void> {
    const batch = this.db.batch();
    for (const op of ops) {
      if (op.type === 'put') batch.put(op.key, op.value);
      else batch.del(op.key);
    }
    await batch.write({ sync: this.sync });
  }

  /** Waits for the writes under way, then closes (and unlocks) the database. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Every transaction queued before it closed is written (or refused) first.
    while (this.draining || this.waiting.length > 0) {
      if (!this.draining) this.writing = this.drain();
      await this.writing;
    }
    await this.db.close();
  }
}

type Op = { type: 'put'; key: string; value: string } | { type: 'del'; key: string };

/** The writes of one `write`: read through (its own writes first), committed together. */
export class Transaction implements Reader {
  /** Key to JSON, or undefined for a delete. */
  private readonly writes = new Map<string, string | undefined>();

  /** Reads go to `db`: the stored data, or the writes of the transactions before it in its group. */
  constructor(private readonly db: Reader) {}

  /** Takes over the writes of `tx` (a transaction that read through this one), after its own. */
  absorb(tx: Transaction): void {
    for (const [key, value] of tx.writes) {
      this.writes.delete(key); // a key keeps its place in the batch by its last write
      this.writes.set(key, value);
    }
  }

  storedNothing(ranges: readonly Range[], keys: readonly string[]): void {
    this.db.storedNothing?.(ranges, keys);
  }

  get<T>(key: string): T | undefined {
    if (!this.writes.has(key)) return this.db.get<T>(key);
    const raw = this.writes.get(key);
    return raw === undefined ? undefined : (JSON.parse(raw) as T);
  }

  /** The stored range with this transaction's writes applied; `limit` counts after them. */
  async range<T>(range: Range, opts: { reverse?: boolean; limit?: number } = {}): Promise<Array<Entry<T>>> {
    const inRange = [...this.writes.keys()].filter((k) => bytewise(k, range.gte) >= 0 && bytewise(k, range.lt) < 0);
    const stored = await this.db.range<T>(range, inRange.length > 0 ? { reverse: opts.reverse } : opts);
    if (inRange.length === 0) return stored;
    const merged = new Map(stored.map((e) => [e.key, e.value]));
    for (const k of inRange) {
      const raw = this.writes.get(k);
      if (raw === undefined) merged.delete(k);
      else merged.set(k, JSON.parse(raw) as T);
    }
    const keys = [...merged.keys()].sort(bytewise);
    if (opts.reverse) keys.reverse();
    return keys.slice(0, opts.limit ?? keys.length).map((k) => ({ key: k, value: merged.get(k) as T }));
  }

  put(key: string, value: unknown): void {
    this.writes.set(key, JSON.stringify(value));
  }

  del(key: string): void {
    this.writes.set(key, undefined);
  }

  operations(): Op[] {
    return [...this.writes].map(([key, value]): Op => (value === undefined ? { type: 'del', key } : { type: 'put', key, value }));
  }
}
