import type { AccountRequest, AuditEvent, Status } from './account-request';
import type { DialogSession } from './dialog';

/**
 * The ports the core needs from the world. Each has an AWS adapter and an embedded one
 * (see app/adapters); the core never knows which it got.
 */

/** A side effect that must follow a committed transition (a message, a queue drain). */
export interface Effect {
  id: string;
  /** Name of the registered handler that carries it out. */
  handler: string;
  /** The lifecycle event that caused it (e.g. "approved"). */
  event: string;
  /** Handler-specific target, e.g. one approver's address. */
  target?: string;
  attempts: number;
  dueAt: string;
  lastError?: string;
  /** Set while a dispatcher is carrying it out. */
  claimedUntil?: string;
}

export interface Transition {
  id: string;
  /** Compare-and-set: the write happens only if the stored status is one of these. */
  from: readonly Status[];
  to: Status;
  /** Fields that change with the status (decision, provisioning, statusSince...). */
  patch: Partial<Omit<AccountRequest, 'id' | 'audit' | 'status' | 'createdAt' | 'requester' | 'account'>>;
  event: AuditEvent;
  effects: Effect[];
}

export interface RequestStore {
  /**
   * Stores a new request with its first audit event and effects. Refuses (DuplicateRequestError)
   * while another open request holds the account e-mail, and (AccountNameTakenError) a used name.
   */
  create(request: AccountRequest, effects: Effect[]): Promise<void>;
  get(id: string): Promise<AccountRequest | undefined>;
  /** Applies a transition atomically; throws TransitionConflictError (with the current record) if the CAS loses. */
  transition(t: Transition): Promise<AccountRequest>;
  /** Requests in a status, oldest `statusSince` first. */
  listByStatus(status: Status, limit?: number): Promise<AccountRequest[]>;
  /** A requester's requests, newest first. */
  listByRequester(requesterEmail: string, limit?: number): Promise<AccountRequest[]>;
  findByAccountName(name: string): Promise<AccountRequest | undefined>;

  /** The effects a request still has to carry out. */
  effectsOf(requestId: string): Promise<Effect[]>;
  /** Requests that have effects due at or before `now`. */
  dueEffects(now: Date, limit?: number): Promise<Array<{ requestId: string; effects: Effect[] }>>;
  /**
   * Takes an effect for `leaseMs` so that concurrent dispatchers do not both carry it out; returns
   * the request as it stands (for the handler to render), or undefined when someone else has it.
   */
  claimEffect(requestId: string, effectId: string, now: Date, leaseMs: number): Promise<AccountRequest | undefined>;
  /** Records the outcome of a claimed effect: done (removed) or rescheduled. */
  settleEffect(requestId: string, effectId: string, retry?: Pick<Effect, 'attempts' | 'dueAt' | 'lastError'>): Promise<void>;

  /** Remembers where the approvers' chat message is; not a lifecycle change. */
  setApprovalMessage(requestId: string, ref: { channel: string; ts: string }): Promise<void>;

  /** Provisioning slots: at most `max` requests hold one at a time. */
  claimSlot(requestId: string, max: number, now: Date): Promise<boolean>;
  releaseSlot(requestId: string): Promise<void>;
  slotHolders(): Promise<Array<{ requestId: string; since: string }>>;
}

/** Remembers keys seen (e.g. Slack event ids) so that a redelivery is not handled twice. */
export interface IdempotencyStore {
  /** True the first time a key is claimed before it expires; false for every repeat. */
  claimOnce(key: string, expiresAt: Date): Promise<boolean>;
}

/** Where conversations live between turns, so a restart does not lose one. */
export interface SessionStore {
  load(sessionId: string, now: Date): Promise<DialogSession | undefined>;
  save(session: DialogSession, expiresAt: Date): Promise<void>;
  delete(sessionId: string): Promise<void>;
}

export interface OutgoingMessage {
  to: string;
  subject: string;
  text: string;
  requestId: string;
  /** What kind of message this is, e.g. "approval-request" or "account-ready". */
  kind: string;
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
