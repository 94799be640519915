import type { AccountRequest, AuditEvent, Status } from '../request/account-request';
import type { Effect } from './effects';

/** The requests: each change a compare-and-set that stores its audit event and effects with it. */

export interface Transition {
  id: string;
  /** Compare-and-set: the write happens only if the stored request is still at this version... */
  expectedVersion: number;
  /** ...and in one of these states. */
  from: readonly Status[];
  to: Status;
  /** Fields that change with the status (decision, provisioning, statusSince...). */
  patch: Partial<Omit<AccountRequest, 'id' | 'audit' | 'status' | 'createdAt' | 'requester' | 'kind' | 'version'>>;
  /** Refuse the write when the request has expired by this time (decisions). */
  unlessExpiredAt?: string;
  event: AuditEvent;
  effects: Effect[];
}

/** What a new request holds besides its e-mail and name: the conversation turn that confirmed it. */
export interface CreateOptions {
  /** At most one request per confirmation: a second create with the same key is refused. */
  confirmationKey?: string;
}

export interface RequestStore {
  /**
   * Stores a new request with its first audit event and effects. Refuses (DuplicateRequestError)
   * while another open request holds the account e-mail, (AccountNameTakenError) a used name,
   * and (DuplicateConfirmationError) a confirmation key already used. Whatever the concurrency,
   * exactly one of racing creates for one e-mail (or one key) wins.
   */
  create(request: AccountRequest, effects: Effect[], opts?: CreateOptions): Promise<void>;
  get(id: string): Promise<AccountRequest | undefined>;
  /**
   * Applies a transition atomically with its audit event and effects. Throws
   * TransitionConflictError (with the current record) if the compare-and-set loses, and
   * RequestExpiredError when `unlessExpiredAt` is past the request's expiry. A transition into
   * an open state from a closed one takes the e-mail back (DuplicateRequestError if it is held).
   */
  transition(t: Transition): Promise<AccountRequest>;
  /** Requests in a status, oldest `statusSince` first. */
  listByStatus(status: Status, limit?: number): Promise<AccountRequest[]>;
  /** A requester's requests, newest first. */
  listByRequester(requesterEmail: string, limit?: number): Promise<AccountRequest[]>;
  /** The requests about an account (its vending request once the account is made, then its moves, closes and extensions), newest first. */
  listByAccount(accountId: string, limit?: number): Promise<AccountRequest[]>;
  findByAccountName(name: string): Promise<AccountRequest | undefined>;
  /** A door's own note on a request (e.g. where its chat message is), opaque to the core; not a lifecycle change. */
  annotate(requestId: string, key: string, value: string): Promise<void>;
}
