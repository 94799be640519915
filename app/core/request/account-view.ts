import { type AccountRequest, type AccountType, isOpen, type OrganizationalUnit, type RequestKind, type Status } from './account-request';

/**
 * An account the bot vended, as people see it: read from the requests about it (the one that
 * made it, then its moves, closes and lease extensions), so it is never out of step with them.
 */

export const ACCOUNT_STATES = ['ACTIVE', 'MOVING', 'CLOSING', 'SUSPENDED', 'CLOSED'] as const;
export type AccountState = (typeof ACCOUNT_STATES)[number];

/** Organizations keeps a closed account SUSPENDED for 90 days (it can be reopened), then it is closed for good. */
export const POST_CLOSURE_DAYS = 90;
const DAY_MS = 86_400_000;

export interface AccountView {
  accountId: string;
  name: string;
  email: string;
  type: AccountType;
  ou: OrganizationalUnit;
  owner: { email: string; firstName: string; lastName: string };
  state: AccountState;
  tags: Record<string, string>;
  /** Sandbox accounts with a lease: when it ends. */
  leaseEndsAt?: string;
  /** The request that made it. */
  vendedBy: string;
  /** "sandbox" when the account is simulated. */
  factory?: string;
  /** The open request about it, if any (one at a time). */
  openRequest?: { id: string; kind: RequestKind; status: Status };
  requests: Array<{ id: string; kind: RequestKind; status: Status; createdAt: string; requester: string }>;
}

const byNewest = (a: AccountRequest, b: AccountRequest) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0);

/** The account the requests describe, or undefined when none of them made it (the bot did not vend it). */
export function accountView(accountId: string, requests: AccountRequest[], now: Date): AccountView | undefined {
  const sorted = [...requests].sort(byNewest);
  const vending = sorted.find((r) => r.kind === 'new-account' && r.status === 'SUCCEEDED' && r.accountId === accountId);
  if (!vending) return undefined;
  const later = sorted.filter((r) => r.kind !== 'new-account' && r.createdAt >= vending.createdAt);
  const done = (kind: RequestKind) => later.find((r) => r.kind === kind && r.status === 'SUCCEEDED');
  const open = later.find((r) => isOpen(r.status));
  const moved = done('move-account');
  const extended = done('extend-lease');
  const tags = vending.baseline?.steps.find((s) => s.step === 'tags' && s.state === 'done')?.tags ?? {};
  const leaseEndsAt = extended?.extension?.to ?? vending.lease?.endsAt;
  return {
    accountId,
    name: vending.account.name,
    email: vending.account.email,
    type: vending.account.type,
    ou: moved?.account.ou ?? vending.account.ou,
    owner: { email: vending.requester.email, firstName: vending.requester.firstName, lastName: vending.requester.lastName },
    state: stateOf(done('close-account'), open, now),
    tags,
    ...(leaseEndsAt ? { leaseEndsAt } : {}),
    vendedBy: vending.id,
    ...(vending.provisioning?.factory ? { factory: vending.provisioning.factory } : {}),
    ...(open ? { openRequest: { id: open.id, kind: open.kind, status: open.status } } : {}),
    requests: sorted.map((r) => ({ id: r.id, kind: r.kind, status: r.status, createdAt: r.createdAt, requester: r.requester.email })),
  };
}

function stateOf(closed: AccountRequest | undefined, open: AccountRequest | undefined, now: Date): AccountState {
  if (closed) {
    const reported = closed.closure?.accountState;
    if (reported === 'CLOSED') return 'CLOSED';
    const since = Date.parse(closed.statusSince);
    return now.getTime() - since >= POST_CLOSURE_DAYS * DAY_MS ? 'CLOSED' : 'SUSPENDED';
  }
  // Once approved, the account is on its way (waiting for a decision changes nothing yet).
  const underway = open && open.status !== 'PENDING_APPROVAL';
  if (underway && open.kind === 'close-account') return 'CLOSING';
  if (underway && open.kind === 'move-account') return 'MOVING';
  return 'ACTIVE';
}

/** An account that is closed or closing can be asked for nothing more. */
export const isGone = (state: AccountState): boolean => state === 'CLOSING' || state === 'SUSPENDED' || state === 'CLOSED';
