import type { StoreDatabase, Transaction } from './database';
import { K } from './keys';

/**
 * Records that expire (dialog sessions, seen keys) carry `expiresAt` (ms) and an entry in the
 * expiry index; `purgeExpired` removes those past it, as DynamoDB's TTL does on AWS. Reads never
 * depend on it: an expired record is treated as absent whether or not it was purged yet.
 */
export interface Expiring {
  expiresAt: number;
}

type ExpiryEntry = { key: string; at: number };

/** Writes `record` under `key` with its expiry entry (replacing the one of `previous`). */
export function putExpiring(tx: Transaction, key: string, record: Expiring, previous?: Expiring): void {
  if (previous && previous.expiresAt !== record.expiresAt) tx.del(K.expiry(previous.expiresAt, key));
  tx.put(key, record);
  tx.put(K.expiry(record.expiresAt, key), { key, at: record.expiresAt } satisfies ExpiryEntry);
}

export function deleteExpiring(tx: Transaction, key: string): void {
  const previous = tx.get<Expiring>(key);
  if (!previous) return;
  tx.del(K.expiry(previous.expiresAt, key));
  tx.del(key);
}

/** Removes records that expired before `now` (ms), at most `limit` per transaction; returns how many. */
export async function purgeExpired(db: StoreDatabase, now: number, limit = 500): Promise<number> {
  let purged = 0;
  for (let round = 0; round < 100; round++) {
    const entries = await db.range<ExpiryEntry>(K.expiredBefore(now), { limit });
    if (entries.length === 0) break;
    await db.write((tx) => {
      for (const entry of entries) {
        const record = tx.get<Expiring>(entry.value.key);
        // Only if it was not saved again meanwhile with a later expiry.
        if (record && record.expiresAt === entry.value.at) tx.del(entry.value.key);
        tx.del(entry.key);
      }
    });
    purged += entries.length;
    if (entries.length < limit) break;
  }
  return purged;
}
