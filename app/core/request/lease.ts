import type { AccountRequest } from './account-request';

/** Sandbox leases: when one ends, and when its owner is reminded. */

export const DAY_MS = 86_400_000;

/** Reminders before a lease ends: a week before, and the day before. */
export const LEASE_REMINDERS = [
  { target: 'lease-reminder-7d', daysBefore: 7 },
  { target: 'lease-reminder-1d', daysBefore: 1 },
] as const;
export const LEASE_END = 'lease-end';

/**
 * What a request records when its account becomes ready: a lease's end, counted from that moment.
 * The one rule for it, whichever step finishes the account (the factory's report or the baseline's last step).
 */
export function readyPatch(request: AccountRequest, now: Date): Pick<AccountRequest, 'lease'> {
  return request.lease?.days
    ? { lease: { ...request.lease, endsAt: new Date(now.getTime() + request.lease.days * DAY_MS).toISOString() } }
    : {};
}

/** The lease end a request set, if it set one: the account's first (the vending request) or an extension's. */
export const leaseEndSetBy = (r: AccountRequest): string | undefined =>
  r.status !== 'SUCCEEDED'
    ? undefined
    : r.kind === 'extend-lease'
      ? r.extension?.to
      : r.kind === 'new-account'
        ? r.lease?.endsAt
        : undefined;

/** When each of a lease's timers is due (reminders already past are skipped, the end never is). */
export function leaseTimers(endsAt: string, now: Date): Array<{ target: string; dueAt: string }> {
  const end = Date.parse(endsAt);
  const reminders = LEASE_REMINDERS.map((r) => ({ target: r.target, dueAt: new Date(end - r.daysBefore * DAY_MS).toISOString() })).filter(
    (t) => Date.parse(t.dueAt) > now.getTime(),
  );
  return [...reminders, { target: LEASE_END, dueAt: new Date(end).toISOString() }];
}

/** A lease extended by `days`: from its end, or from now when it already ended. */
export function extendedEnd(endsAt: string | undefined, days: number, now: Date): string {
  const from = Math.max(endsAt ? Date.parse(endsAt) : now.getTime(), now.getTime());
  return new Date(from + days * DAY_MS).toISOString();
}
