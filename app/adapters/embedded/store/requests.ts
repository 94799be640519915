import { ContentionError, NotFoundError, RequestExpiredError, TransitionConflictError } from '../../../core/errors';
import type { Effect } from '../../../core/ports/effects';
import type { CreateOptions, RequestStore, Transition } from '../../../core/ports/requests';
import type { AccountRequest, Status } from '../../../core/request/account-request';
import { holdsMoving, holdsOf } from '../../../core/request/holds';
import type { Reader, StoreDatabase, Transaction } from './database';
import { releaseHolds, takeHolds } from './holds';
import { K } from './keys';
import { putEffects } from './scope-effects';

/**
 * The RequestStore on the native database (key design in keys.ts). A create writes the request,
 * its holds, its indexes and its effects in one transaction; a transition is a compare-and-set on
 * version and status (and expiry) that writes the new request, its indexes, its effects and the
 * holds it gives back or takes again in one transaction. Either all of it is stored, or nothing.
 */
export class NativeRequestStore implements RequestStore {
  constructor(private readonly db: StoreDatabase) {}

  create(request: AccountRequest, effects: Effect[], opts: CreateOptions = {}): Promise<void> {
    return this.db.write(async (tx) => {
      if (tx.get(K.request(request.id))) throw new ContentionError(`Request id ${request.id} is taken; try again`);
      // A request's effects and due entry are only ever written with the request (here, by its
      // transitions, by an import into an empty store): a new one has none to look for.
      tx.storedNothing([K.effectsOf(request.id)], [K.dueOf(request.id)]);
      takeHolds(tx, request, holdsOf(request, opts.confirmationKey));
      putRequest(tx, request);
      await putEffects(tx, request.id, effects);
    });
  }

  async get(id: string): Promise<AccountRequest | undefined> {
    return this.db.get<AccountRequest>(K.request(id));
  }

  transition(t: Transition): Promise<AccountRequest> {
    return this.db.write(async (tx) => {
      const current = tx.get<AccountRequest>(K.request(t.id));
      if (!current || !applies(t, current)) throw conflictOf(t, current);
      const updated: AccountRequest = {
        ...current,
        ...t.patch,
        status: t.to,
        updatedAt: t.event.at,
        audit: [...current.audit, t.event],
        version: t.expectedVersion + 1,
      };
      const { release, retake } = holdsMoving(updated, t.from, t.to);
      takeHolds(tx, updated, retake);
      releaseHolds(tx, t.id, release);
      putRequest(tx, updated, current);
      await putEffects(tx, t.id, t.effects);
      return updated;
    });
  }

  listByStatus(status: Status, limit = 100): Promise<AccountRequest[]> {
    return this.db.read((view) => requestsAt(view, K.statusRange(status), false, limit));
  }

  listByRequester(requesterEmail: string, limit = 20): Promise<AccountRequest[]> {
    return this.db.read((view) => requestsAt(view, K.requesterRange(requesterEmail), true, limit));
  }

  listByAccount(accountId: string, limit = 50): Promise<AccountRequest[]> {
    return this.db.read((view) => requestsAt(view, K.accountRange(accountId), true, limit));
  }

  async findByAccountName(name: string): Promise<AccountRequest | undefined> {
    return this.db.read(async (view) => {
      const holder = view.get<string>(K.hold({ kind: 'account-name', value: name }));
      return holder === undefined ? undefined : view.get<AccountRequest>(K.request(holder));
    });
  }

  /** Not a lifecycle change: no version bump, no index moves. */
  annotate(requestId: string, key: string, value: string): Promise<void> {
    return this.db.write((tx) => {
      const current = tx.get<AccountRequest>(K.request(requestId));
      if (!current) throw new NotFoundError(`No request with id ${requestId}`);
      tx.put(K.request(requestId), { ...current, annotations: { ...current.annotations, [key]: value } });
    });
  }
}

/** The compare-and-set: still at the expected version, in one of the expected states, and (for decisions) not expired. */
function applies(t: Transition, current: AccountRequest): boolean {
  if (current.version !== t.expectedVersion || !(t.from as readonly string[]).includes(current.status)) return false;
  return !t.unlessExpiredAt || current.expiresAt > t.unlessExpiredAt;
}

/** Why a transition did not apply, as the domain error the caller expects (the same as the DynamoDB adapter's). */
function conflictOf(t: Transition, current: AccountRequest | undefined): Error {
  if (!current) return new NotFoundError(`No request with id ${t.id}`);
  const sameVersion = current.version === t.expectedVersion && (t.from as readonly string[]).includes(current.status);
  if (sameVersion && t.unlessExpiredAt && current.expiresAt <= t.unlessExpiredAt) return new RequestExpiredError(current);
  return new TransitionConflictError(current, t.from);
}

/** Writes the request and moves its index entries (status, requester) from where `previous` had them. */
export function putRequest(tx: Transaction, request: AccountRequest, previous?: AccountRequest): void {
  tx.put(K.request(request.id), request);
  const entries = (r: AccountRequest) => [
    K.status(r.status, r.statusSince, r.id),
    K.requester(r.requester.email, r.createdAt, r.id),
    ...(r.accountId ? [K.account(r.accountId, r.id)] : []),
  ];
  const now = entries(request);
  if (previous) for (const old of entries(previous)) if (!now.includes(old)) tx.del(old);
  for (const entry of now) tx.put(entry, request.id);
}

async function requestsAt(
  view: Reader,
  range: ReturnType<typeof K.statusRange>,
  newestFirst: boolean,
  limit: number,
): Promise<AccountRequest[]> {
  const ids = await view.range<string>(range, { reverse: newestFirst, limit });
  return ids.flatMap(({ value }) => view.get<AccountRequest>(K.request(value)) ?? []);
}
