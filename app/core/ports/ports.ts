import type { AccountRequest, AuditEvent, Status } from '../request/account-request';
import type { DialogSession } from './dialog';

/**
 * The ports the core needs from the world. Each has an AWS adapter and an embedded one
 * (see app/adapters); the core never knows which it got.
 */

/** A side effect that must follow a committed transition (a message, a queue drain), or a deferred reply. */
export interface Effect {
  id: string;
  /** Name of the registered handler that carries it out. */
  handler: string;
  /** The lifecycle event that caused it (e.g. "approved"), or what the deferred work is. */
  event: string;
  /** Handler-specific target, e.g. one approver's address. */
  target?: string;
  /**
   * Order within its scope: the version of the request the transition produced, then the
   * position in that transition. Effects of one stream (handler and target) run in this order.
   */
  seq: string;
  /** For effects that carry their own data instead of rendering the request (e.g. a chat reply). */
  payload?: Record<string, unknown>;
  attempts: number;
  dueAt: string;
  lastError?: string;
  /** Set while a dispatcher is carrying it out: until when, and which dispatcher. */
  claimedUntil?: string;
  claimedBy?: string;
}

export interface Transition {
  id: string;
  /** Compare-and-set: the write happens only if the stored request is still at this version... */
  expectedVersion: number;
  /** ...and in one of these states. */
  from: readonly Status[];
  to: Status;
  /** Fields that change with the status (decision, provisioning, statusSince...). */
  patch: Partial<Omit<AccountRequest, 'id' | 'audit' | 'status' | 'createdAt' | 'requester' | 'account' | 'version'>>;
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
  findByAccountName(name: string): Promise<AccountRequest | undefined>;

  /** Remembers where the approvers' chat message is; not a lifecycle change. */
  setApprovalMessage(requestId: string, ref: { channel: string; ts: string }): Promise<void>;

  /** Provisioning slots: at most `max` requests hold one at a time. */
  claimSlot(requestId: string, max: number, now: Date): Promise<boolean>;
  releaseSlot(requestId: string): Promise<void>;
  slotHolders(): Promise<Array<{ requestId: string; since: string }>>;
}

/**
 * The effects still to carry out, per scope: a request (its id; written with its transitions)
 * or any other deferred work (e.g. "slack-reply:<event id>", written with `enqueue`).
 */
export interface EffectStore {
  /** Adds effects to a scope that is not a request. */
  enqueue(scope: string, effects: Effect[]): Promise<void>;
  /** A scope's effects, in `seq` order. */
  pending(scope: string): Promise<Effect[]>;
  /** Scopes with an effect due at or before `now`. */
  due(now: Date, limit?: number): Promise<string[]>;
  /**
   * Takes an effect for `leaseMs` so that concurrent dispatchers do not both carry it out (a
   * claim by the same `owner` is taken again at once, e.g. after a restart). Returns the request
   * as it stands for a request scope (for the handler to render), {} for other scopes, or
   * undefined when someone else has it or it is gone.
   */
  claim(scope: string, effectId: string, owner: string, now: Date, leaseMs: number): Promise<{ request?: AccountRequest } | undefined>;
  /** Records the outcome of a claimed effect: done (removed) or rescheduled. */
  settle(scope: string, effectId: string, retry?: Pick<Effect, 'attempts' | 'dueAt' | 'lastError'>): Promise<void>;
}

/** Remembers keys seen (e.g. Slack event ids) so that a redelivery is not handled twice. */
export interface IdempotencyStore {
  /** True the first time a key is claimed before it expires; false for every repeat. */
  claimOnce(key: string, expiresAt: Date): Promise<boolean>;
}

/** Where conversations live between turns, so a restart does not lose one. */
export interface SessionStore {
  load(sessionId: string, now: Date): Promise<DialogSession | undefined>;
  /**
   * Stores `session` as version `session.version + 1`, only if the stored one is still at
   * `session.version` (0: none, or expired). Throws SessionConflictError otherwise.
   */
  save(session: DialogSession, expiresAt: Date, now: Date): Promise<void>;
  delete(sessionId: string): Promise<void>;
}

export interface OutgoingMessage {
  to: string;
  subject: string;
  text: string;
  requestId: string;
  /** What kind of message this is, e.g. "approval-request" or "account-ready". */
  kind: string;
  /**
   * The same for every attempt at this one message (the effect's id): a notifier that can
   * remember what it sent skips a repeat (the outbox does; SNS e-mail stays at least once).
   */
  key?: string;
}

export interface Notifier {
  readonly kind: string;
  send(message: OutgoingMessage): Promise<void>;
}

export interface ProvisionResult {
  recordId: string;
}

export interface ProvisioningStatus {
  state: 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED';
  accountId?: string;
  message?: string;
}

export interface AccountFactory {
  /** "sandbox" for the simulated factory; shown wherever its results appear. */
  readonly kind: string;
  /** Starts provisioning; idempotent on the request id. Throws FactoryBusyError or FactoryRejectedError. */
  provision(request: AccountRequest): Promise<ProvisionResult>;
  describe(recordId: string): Promise<ProvisioningStatus>;
}

/** The factory cannot take more work now (Control Tower runs at most 5 operations): retry later. */
export class FactoryBusyError extends Error {
  override name = 'FactoryBusyError';
}

/** The factory refused this request for good; the message says why in plain words. */
export class FactoryRejectedError extends Error {
  override name = 'FactoryRejectedError';
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** The slice of a structured logger the core uses (pino's shape). */
export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
  child(bindings: object): Logger;
}
