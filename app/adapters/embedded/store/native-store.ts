import { mkdirSync } from 'node:fs';
import type { Clock } from '../../../core/ports/clock';
import { importContents, isEmpty, type StoreContents } from './contents';
import { type DatabaseOptions, StoreDatabase } from './database';
import { NativeEffectStore } from './effects';
import { purgeExpired } from './expiry';
import { NativeIdempotencyStore } from './idempotency';
import { K } from './keys';
import { NativeRequestStore } from './requests';
import { NativeSessionStore } from './sessions';
import { NativeSlotStore } from './slots';

/**
 * The native embedded store: every store port (requests, effects, slots, sessions, seen keys) on
 * one LevelDB database in `location` (DATA_DIR/store), owned by this process while it is open.
 * No server, no SDK: a conditional write is one in-process transaction (store/database.ts).
 */
export interface NativeStore {
  requests: NativeRequestStore;
  effects: NativeEffectStore;
  slots: NativeSlotStore;
  sessions: NativeSessionStore;
  idempotency: NativeIdempotencyStore;
  location: string;
  /** True while it holds no record (meta records aside). */
  isEmpty(): Promise<boolean>;
  /** A record about the store itself (e.g. `migration`). */
  meta<T>(name: string): T | undefined;
  setMeta(name: string, value: unknown): Promise<void>;
  /** Fills an empty store in one transaction (see contents.ts). */
  importContents(contents: StoreContents, meta?: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

export interface NativeStoreOptions extends DatabaseOptions {
  clock?: Clock;
  /** How often expired sessions and seen keys are removed (default 10 minutes; 0: only at open). */
  purgeEveryMs?: number;
  onError?: (err: unknown) => void;
}

export async function openNativeStore(location: string, opts: NativeStoreOptions = {}): Promise<NativeStore> {
  const clock = opts.clock ?? { now: () => new Date() };
  mkdirSync(location, { recursive: true });
  const db = await StoreDatabase.open(location, opts);
  const purge = () => purgeExpired(db, clock.now().getTime());
  await purge();
  const every = opts.purgeEveryMs ?? 10 * 60_000;
  const timer = every > 0 ? setInterval(() => purge().catch((err) => opts.onError?.(err)), every) : undefined;
  timer?.unref();
  return {
    requests: new NativeRequestStore(db),
    effects: new NativeEffectStore(db),
    slots: new NativeSlotStore(db),
    sessions: new NativeSessionStore(db),
    idempotency: new NativeIdempotencyStore(db, clock),
    location,
    isEmpty: () => db.read((view) => isEmpty(view)),
    meta: <T>(name: string) => db.get<T>(K.meta(name)),
    setMeta: (name, value) => db.write((tx) => tx.put(K.meta(name), value)),
    importContents: (contents, meta) => importContents(db, contents, meta),
    async close() {
      if (timer) clearInterval(timer);
      await db.close();
    },
  };
}
