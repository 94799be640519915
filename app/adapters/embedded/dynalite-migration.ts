import { existsSync, readdirSync, renameSync } from 'node:fs';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ClassicLevel } from 'classic-level';
import { type AccountRequest, isOpen } from '../../core/request/account-request';
import { type Hold, type HoldKind, holdsOf } from '../../core/request/holds';
import { documentClient } from '../dynamodb/client';
import { DynamoDbEffectStore } from '../dynamodb/effects';
import { DynamoDbSessionStore } from '../dynamodb/sessions';
import { DynamoDbSlotStore } from '../dynamodb/slots';
import { DynamoDbRequestStore } from '../dynamodb/store';
import { startEmbeddedDynamoDb } from './dynalite';
import type { StoreContents } from './store/contents';
import type { NativeStore } from './store/native-store';

/**
 * Earlier releases kept the embedded store in DATA_DIR/dynamodb (the DynamoDB adapter on an
 * in-process dynalite). At start, when that directory is there and the native store is empty,
 * everything in it is read through the DynamoDB adapter itself (so items of any earlier release
 * come out in today's shape, as that adapter reads them), written into the native store in one
 * transaction (all of it or nothing, also across a crash), and the directory is then renamed to
 * DATA_DIR/dynamodb.migrated-<time>, kept as it was.
 */

export interface MigrationRecord {
  from: 'dynalite';
  source: string;
  at: string;
  counts: Record<string, number>;
  /** What was not brought over, and why (drafts never completed, expired records, unknown items). */
  skipped: string[];
  /** Set once the source directory has been renamed. */
  renamedTo?: string;
}

export type MigrationOutcome =
  | { kind: 'none' }
  | { kind: 'migrated'; record: MigrationRecord }
  /** A migration committed before a crash; only its rename was left to do. */
  | { kind: 'finished'; record: MigrationRecord }
  /** The native store has data of its own: DATA_DIR/dynamodb is left alone (EMBEDDED_STORE=dynalite uses it). */
  | { kind: 'ignored'; reason: string };

export async function migrateDynaliteDataDir(source: string, store: NativeStore, now = new Date()): Promise<MigrationOutcome> {
  if (!existsSync(source)) return { kind: 'none' };
  const previous = store.meta<MigrationRecord>('migration');
  if (previous && !previous.renamedTo && previous.source === source) {
    const record = { ...previous, renamedTo: renameAside(source, now) };
    await store.setMeta('migration', record);
    return { kind: 'finished', record };
  }
  if (!(await store.isEmpty())) {
    return {
      kind: 'ignored',
      reason: `${source} holds data of the dynalite store (EMBEDDED_STORE=dynalite), and the native store at ${store.location} has data of its own: it was not migrated`,
    };
  }
  let read: Awaited<ReturnType<typeof readDynaliteDataDir>>;
  try {
    read = await readDynaliteDataDir(source, now);
  } catch (err) {
    throw new Error(
      `Could not read ${source} (the dynalite store of an earlier release) to migrate it into the native store: ${(err as Error).message}. ` +
        'Nothing was changed. Start with EMBEDDED_STORE=dynalite to use it as it is, or move it out of DATA_DIR to start afresh.',
      { cause: err },
    );
  }
  const { contents, skipped } = read;
  const record: MigrationRecord = {
    from: 'dynalite',
    source,
    at: now.toISOString(),
    counts: Object.fromEntries(Object.entries(contents).map(([k, v]) => [k, (v as unknown[]).length])),
    skipped,
  };
  await store.importContents(contents, { migration: record });
  const migrated = { ...record, renamedTo: renameAside(source, now) };
  await store.setMeta('migration', migrated);
  return { kind: 'migrated', record: migrated };
}

function renameAside(source: string, now: Date): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  let target = `${source}.migrated-${stamp}`;
  for (let n = 2; existsSync(target); n++) target = `${source}.migrated-${stamp}-${n}`;
  renameSync(source, target);
  return target;
}

const LOCK_KINDS: Record<string, HoldKind> = {
  EMAIL: 'account-email',
  NAME: 'account-name',
  CONFIRM: 'confirmation',
  PRODUCT: 'provisioned-product',
};

/** Everything in a dynalite data dir, as the DynamoDB adapter reads it. */
export async function readDynaliteDataDir(path: string, now: Date): Promise<{ contents: StoreContents; skipped: string[] }> {
  // dynalite throws from a callback (out of reach) when its LevelDB does not open: try it first.
  if (readdirSync(path).length > 0) {
    const probe = new ClassicLevel(path, { createIfMissing: false });
    await probe.open();
    await probe.close();
  }
  const server = await startEmbeddedDynamoDb({ path });
  const db = documentClient(server.clientConfig);
  const table = server.tableName;
  try {
    const requestStore = new DynamoDbRequestStore(db, table, { transactions: false });
    const effectStore = new DynamoDbEffectStore(db, table);
    const sessionStore = new DynamoDbSessionStore(db, table);
    const contents: StoreContents = { requests: [], holds: [], scopes: [], slots: [], sessions: [], seen: [] };
    const skipped: string[] = [];
    const locks: Array<{ kind: HoldKind; value: string; requestId: string }> = [];
    for await (const item of scan(db, table)) {
      const [prefix, ...rest] = String(item.pk).split('#');
      const name = rest.join('#');
      if (prefix === 'REQ') {
        const request = await requestStore.get(name);
        if (request) contents.requests.push({ request, effects: await effectStore.pending(name) });
        else skipped.push(`${item.pk}: a request that was never completely written`);
      } else if (prefix === 'SCOPE') {
        const effects = await effectStore.pending(name);
        if (effects.length > 0) contents.scopes.push({ scope: name, effects });
      } else if (LOCK_KINDS[prefix] && item.sk === 'LOCK') {
        locks.push({ kind: LOCK_KINDS[prefix], value: name, requestId: String(item.requestId) });
      } else if (prefix === 'SLOTS') {
        // read below, through the adapter
      } else if (prefix === 'SESSION') {
        const session = await sessionStore.load(name, now);
        if (session) contents.sessions.push({ session, expiresAt: Number(item.ttl) * 1000 });
      } else if (prefix === 'SEEN') {
        if (Number(item.ttl) * 1000 >= now.getTime()) contents.seen.push({ key: name, expiresAt: Number(item.ttl) * 1000 });
      } else {
        skipped.push(`${item.pk} / ${item.sk}: not an item of the store's key design`);
      }
    }
    contents.slots = await new DynamoDbSlotStore(db, table).holders();
    contents.holds = holdsFor(
      contents.requests.map((r) => r.request),
      locks,
      skipped,
    );
    return { contents, skipped };
  } finally {
    db.destroy();
    await server.close();
  }
}

/**
 * The holds to bring over: the lock items whose holder came over and still holds them by the
 * core's rules (an e-mail only while its request is open), then whatever a request must hold by
 * those rules that no lock item said (its name; its e-mail while open). Never two holders of one hold.
 */
function holdsFor(requests: AccountRequest[], locks: Array<Pick<Hold, 'kind' | 'value'> & { requestId: string }>, skipped: string[]) {
  const byId = new Map(requests.map((r) => [r.id, r]));
  const holds = new Map<string, StoreContents['holds'][number]>();
  const add = (hold: Pick<Hold, 'kind' | 'value'>, requestId: string) => {
    const key = `${hold.kind}\n${hold.value.toLowerCase()}`;
    const holder = holds.get(key)?.requestId;
    if (holder === undefined) holds.set(key, { hold: { kind: hold.kind, value: hold.value }, requestId });
    else if (holder !== requestId) skipped.push(`${hold.kind} ${hold.value} of ${requestId}: already held by ${holder}`);
  };
  for (const lock of locks) {
    const holder = byId.get(lock.requestId);
    if (!holder) skipped.push(`${lock.kind} ${lock.value}: held by ${lock.requestId}, which did not come over`);
    else if (lock.kind !== 'account-email' || isOpen(holder.status)) add(lock, lock.requestId);
  }
  const oldestFirst = [...requests].sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
  for (const request of oldestFirst) {
    for (const hold of holdsOf(request)) if (!hold.whileOpen || isOpen(request.status)) add(hold, request.id);
  }
  return [...holds.values()];
}

async function* scan(db: ReturnType<typeof documentClient>, table: string): AsyncGenerator<Record<string, unknown>> {
  let start: Record<string, unknown> | undefined;
  for (let page = 0; page < 100_000; page++) {
    const out = await db.send(new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: start }));
    for (const item of out.Items ?? []) yield item;
    start = out.LastEvaluatedKey;
    if (!start) return;
  }
}
