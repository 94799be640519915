import type { BaselineRecord } from './account-baseline';
import type { ApprovalRecord } from './approval-stages';

/**
 * The request: the one record every door, adapter and notification talks about. Every change
 * people ask the bot for is a request of a `kind`; all kinds share the lifecycle, the approvals,
 * the audit trail and the effects, and each carries its own details.
 */

/**
 * The kinds of request there are: a new account, and what comes after for an account the bot
 * vended (move it to another OU, close it, extend its sandbox lease).
 */
export const REQUEST_KINDS = ['new-account', 'move-account', 'close-account', 'extend-lease', 'product', 'terminate-product'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

export const STATUSES = ['PENDING_APPROVAL', 'APPROVED', 'PROVISIONING', 'SUCCEEDED', 'FAILED', 'DENIED', 'CANCELLED', 'EXPIRED'] as const;
export type Status = (typeof STATUSES)[number];

/** Open requests hold their account e-mail: a second request for it is refused while one is open. */
const OPEN: ReadonlySet<Status> = new Set(['PENDING_APPROVAL', 'APPROVED', 'PROVISIONING']);
export const isOpen = (status: Status): boolean => OPEN.has(status);

export const ACCOUNT_TYPES = ['Production', 'Sandbox'] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];

/** The door a person (or the system) came through; recorded on every audit event. */
export type DoorName = 'web' | 'rest' | 'email-link' | 'slack' | 'system';

export interface Actor {
  /** Stable identity within its door: an e-mail, a Slack user id, or "system". */
  id: string;
  name?: string;
  email?: string;
  door: DoorName;
}

export const SYSTEM: Actor = { id: 'system', name: 'Vending bot', door: 'system' };

export interface OrganizationalUnit {
  name: string;
  /** `ou-xxxx-xxxxxxxx` when configured; Account Factory then gets `Name (ou-...)`. */
  id?: string;
}

export interface Requester {
  /** The identity the requester's door knows them by (e-mail for web and REST, user id for Slack). */
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  slackUserId?: string;
}

export interface AccountDetails {
  name: string;
  email: string;
  type: AccountType;
  ou: OrganizationalUnit;
  sso: { email: string; firstName: string; lastName: string };
}

export interface Decision {
  outcome: 'approved' | 'denied';
  by: Actor;
  at: string;
  reason?: string;
}

export interface Provisioning {
  /** Which factory ran it; "sandbox" results are simulated and say so wherever they show. */
  factory?: string;
  recordId?: string;
  startedAt?: string;
  attempts: number;
  /** A busy factory puts the request back in the queue until then. */
  notBefore?: string;
  accountId?: string;
  failureReason?: string;
  completedAt?: string;
}

/** A request's provisioning so far: the first attempt's, before anything was recorded. */
export const provisioningOf = (request: Pick<AccountRequest, 'provisioning'>): Provisioning => request.provisioning ?? { attempts: 1 };

export interface AuditEvent {
  at: string;
  actor: Actor;
  action: string;
  from?: Status;
  to: Status;
  reason?: string;
}

/** What every kind of request has. */
interface RequestBase {
  id: string;
  kind: RequestKind;
  status: Status;
  /** Counts the request's transitions (1 when created); every transition is a compare-and-set on it. */
  version: number;
  /** When the current status was entered; orders the approval queue. */
  statusSince: string;
  createdAt: string;
  updatedAt: string;
  /** A pending request expires at this time, and so do its approval links. */
  expiresAt: string;
  requester: Requester;
  reason?: string;
  decision?: Decision;
  /** Who approves, in which stages, and who already did (the rule of the approval policy that applied). */
  approval?: ApprovalRecord;
  provisioning?: Provisioning;
  /** Reminders sent to approvers so far (they back off: each waits twice as long as the last). */
  reminders?: { count: number; lastAt: string };
  /** Doors' own notes on the request (e.g. where the approvers' chat message is), opaque to the core. */
  annotations?: Record<string, string>;
  /** What the account got after it was vended (tags, contacts, access, budget), step by step. */
  baseline?: BaselineRecord;
  /** Times the request went back to provisioning unchanged after a failure (each attempt has its own provision token). */
  retries?: number;
  /** The failed request this one corrects (a retry with changed details)... */
  retryOf?: string;
  /** ...and, on the failed request, the one that corrected it. */
  retriedAs?: string;
  /**
   * The account the request is about: a new account's once it is made, the account to move, close
   * or extend from the start (the store finds an account's requests by it).
   */
  accountId?: string;
  /** Tags the requester asked for (e.g. a cost centre); the baseline puts them on the account with its own. */
  tags?: Record<string, string>;
  /** A sandbox account's lease: its length, and (once the account is ready) its end. */
  lease?: Lease;
  /** A move: where the account was. */
  move?: { fromOu: OrganizationalUnit };
  /** A close: how far it got (unmanaged in Control Tower, closed in Organizations, the state there). */
  closure?: Closure;
  /** A product request (and the termination of one): what is launched, with which parameters, and what it gave. */
  product?: ProductLaunch;
  /** An extension of a lease: by how many days (and, once done, the lease's end before and after). */
  extension?: { days: number; from?: string; to?: string };
  audit: AuditEvent[];
}

export interface ProductLaunch {
  productId: string;
  name: string;
  artifactId: string;
  pathId?: string;
  /** Parameter values as given; a NoEcho value is stored sealed (encrypted), never in clear. */
  parameters: Record<string, string>;
  /** Keys of the NoEcho parameters (shown masked everywhere). */
  secretKeys?: string[];
  /** The provisioned product's name in Service Catalog (derived from the product and the requester). */
  provisionedProductName: string;
  /** The record outputs once launched (e.g. the bucket name). */
  outputs?: Array<{ key: string; value: string; description?: string }>;
  /** A termination: the product request whose provisioned product it ends. */
  terminates?: string;
}

export interface Lease {
  days: number;
  endsAt?: string;
  /** The last reminder the owner got: for which end, and how many days before it. */
  reminder?: { endsAt: string; daysLeft: number };
}

export interface Closure {
  /** Account Factory's provisioned product was terminated: Control Tower no longer manages the account. */
  unmanagedAt?: string;
  /** Organizations CloseAccount was accepted. */
  closeRequestedAt?: string;
  /** As Organizations last reported it: PENDING_CLOSURE, then SUSPENDED (closed, reopenable for 90 days), CLOSED. */
  accountState?: string;
}

/**
 * A request of any kind. Every kind carries the account's details: for a new account what will be
 * made; for a move, the account with the OU it goes to; for a close or an extension, the account
 * as it is. So every message, policy rule and door reads one shape, and `kind` says what is asked.
 */
export interface AccountRequest extends RequestBase {
  account: AccountDetails;
}

/** The kinds that concern an account the bot vended before. */
export const ACCOUNT_LIFE_KINDS: ReadonlySet<RequestKind> = new Set(['move-account', 'close-account', 'extend-lease']);

/**
 * The idempotency token of the request's current provisioning attempt: a relaunch of one attempt
 * is the same launch, and a retry after a failure is a new one (the old token would return the
 * old, failed record).
 */
export const provisionTokenOf = (r: Pick<RequestBase, 'id' | 'retries'>): string => (r.retries ? `${r.id}-attempt-${r.retries + 1}` : r.id);

/** The label the Account Factory expects: `Name (ou-...)` when the OU id is known. */
export const ouLabel = (ou: OrganizationalUnit): string => (ou.id ? `${ou.name} (${ou.id})` : ou.name);

/** Whom the request should be shown as. */
export const requesterName = (r: Requester): string => `${r.firstName} ${r.lastName}`.trim() || r.email;
