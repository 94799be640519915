import type { IdempotencyStore } from '../../../core/ports/idempotency';
import type { StoreDatabase } from './database';
import { type Expiring, putExpiring } from './expiry';
import { K } from './keys';

/** Seen keys: the first claim before the key expires wins (a transaction); an expired key can be claimed again. */
export class NativeIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly db: StoreDatabase,
    private readonly clock: { now(): Date },
  ) {}

  claimOnce(key: string, expiresAt: Date): Promise<boolean> {
    return this.db.write((tx) => {
      const k = K.seen(key);
      const seen = tx.get<Expiring>(k);
      if (seen && seen.expiresAt >= this.clock.now().getTime()) return false;
      putExpiring(tx, k, { expiresAt: expiresAt.getTime() }, seen);
      return true;
    });
  }
}
