import type { AccountRequest } from './account-request';

/** A request's history in words. Depends on nothing but the request's shape, so errors can use it. */

const actorName = (a: { name?: string; email?: string; id: string }) => a.name ?? a.email ?? a.id;

/**
 * How the request got where it is, in words: the decision when there is one (who decided and
 * when, then where it is now), else the change that led to its state. What a late decider is told.
 */
export function howItGotHere(r: AccountRequest): string {
  if (r.retriedAs) return `retried as ${r.retriedAs}`;
  const d = r.decision;
  if (d) {
    const decided = d.outcome === 'approved' ? 'APPROVED' : 'DENIED';
    return `${d.outcome} by ${actorName(d.by)} at ${d.at}${r.status !== decided ? `; it is now ${r.status}` : ''}`;
  }
  const last = [...r.audit].reverse().find((a) => a.to === r.status && a.from !== a.to);
  return `${r.status}${last ? ` (${last.action} by ${actorName(last.actor)} at ${last.at})` : ''}`;
}
