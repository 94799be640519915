import type { Effect } from '../../../core/ports/effects';
import type { DialogSession } from '../../../core/ports/sessions';
import type { AccountRequest } from '../../../core/request/account-request';
import type { Hold } from '../../../core/request/holds';
import type { StoreDatabase, Transaction } from './database';
import { putExpiring } from './expiry';
import { DATA_RANGES, K } from './keys';
import { putRequest } from './requests';
import { putEffects } from './scope-effects';

/** Everything a store holds, in domain terms: what a migration brings in from another store. */
export interface StoreContents {
  requests: Array<{ request: AccountRequest; effects: Effect[] }>;
  /** Who holds what; each holder must be one of `requests`. */
  holds: Array<{ hold: Pick<Hold, 'kind' | 'value'>; requestId: string }>;
  /** Deferred work of other scopes (e.g. chat replies). */
  scopes: Array<{ scope: string; effects: Effect[] }>;
  slots: Array<{ requestId: string; since: string }>;
  sessions: Array<{ session: DialogSession; expiresAt: number }>;
  seen: Array<{ key: string; expiresAt: number }>;
}

export async function isEmpty(tx: Pick<Transaction, 'range'>): Promise<boolean> {
  for (const range of DATA_RANGES) if ((await tx.range(range, { limit: 1 })).length > 0) return false;
  return true;
}

/**
 * Writes `contents` into an empty store as one transaction, with `meta` records beside it (e.g.
 * where it came from): after a crash the store holds all of it or none of it. Refuses a store
 * that has data, and contents that contradict themselves (two holders of one hold, a hold
 * without its request), writing nothing.
 */
export function importContents(db: StoreDatabase, contents: StoreContents, meta: Record<string, unknown> = {}): Promise<void> {
  return db.write(async (tx) => {
    if (!(await isEmpty(tx))) throw new Error(`The store at ${db.location} already holds data; nothing was imported`);
    const ids = new Set(contents.requests.map((r) => r.request.id));
    for (const { request, effects } of contents.requests) {
      putRequest(tx, request);
      await putEffects(tx, request.id, effects);
    }
    for (const { hold, requestId } of contents.holds) {
      if (!ids.has(requestId)) throw new Error(`Hold ${hold.kind} ${hold.value} names request ${requestId}, which is not imported`);
      const holder = tx.get<string>(K.hold(hold));
      if (holder !== undefined && holder !== requestId)
        throw new Error(`Hold ${hold.kind} ${hold.value} is claimed by both ${holder} and ${requestId}`);
      tx.put(K.hold(hold), requestId);
    }
    for (const { scope, effects } of contents.scopes) await putEffects(tx, scope, effects);
    contents.slots.forEach((slot, n) => {
      tx.put(K.slot(n), slot);
    });
    for (const { session, expiresAt } of contents.sessions) putExpiring(tx, K.session(session.id), { ...session, expiresAt });
    for (const { key, expiresAt } of contents.seen) putExpiring(tx, K.seen(key), { expiresAt });
    for (const [name, value] of Object.entries(meta)) tx.put(K.meta(name), value);
  });
}
