import type { AccountRequest } from '../../../core/request/account-request';
import { type Hold, refusal } from '../../../core/request/holds';
import type { Transaction } from './database';
import { K } from './keys';

/**
 * What a request holds (core/request/holds.ts says what, for how long, and when a hold may be
 * taken over) as one record per hold naming its holder. They are taken and given back inside the
 * transaction that writes the request, so a hold and its holder are never written apart.
 */

/** Takes every hold for `request`, or throws the refusal of the first one kept by another request (writing nothing). */
export function takeHolds(tx: Transaction, request: AccountRequest, holds: Hold[]): void {
  for (const hold of holds) {
    const holderId = tx.get<string>(K.hold(hold));
    if (holderId === undefined || holderId === request.id) continue;
    const refused = refusal(hold, request, tx.get<AccountRequest>(K.request(holderId)));
    if (refused) throw refused;
  }
  for (const hold of holds) tx.put(K.hold(hold), request.id);
}

/** Gives back the holds `requestId` still has among these. */
export function releaseHolds(tx: Transaction, requestId: string, holds: Hold[]): void {
  for (const hold of holds) if (tx.get<string>(K.hold(hold)) === requestId) tx.del(K.hold(hold));
}

/** Who holds it, if anyone. */
export const holderOf = (tx: Pick<Transaction, 'get'>, hold: Pick<Hold, 'kind' | 'value'>): string | undefined =>
  tx.get<string>(K.hold(hold));
