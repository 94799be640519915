import { howItGotHere, isSimulated, STATUS_WORDS } from '../../core/effects/messages';
import {
  type AccountRequest,
  type Actor,
  type AuditEvent,
  ouLabel,
  requesterName,
  type Status,
  SYSTEM,
} from '../../core/request/account-request';
import { isTerminal } from '../../core/request/lifecycle';
import { breakable, html, type SafeHtml } from './html';
import { productRows } from './product-view';

/**
 * A request as the pages show it: its details, its state in plain words (the core's STATUS_WORDS),
 * who decided, and its history as a timeline. Times are emitted as <time datetime> in UTC; the
 * pages' script shows them in the reader's time zone and as "3 minutes ago".
 */

/** "Waiting for approval": the core's words for a state, as a heading. */
export const statusWords = (status: Status): string => capitalise(STATUS_WORDS[status]);

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** The person behind an actor; undefined for the bot itself (its changes need no name). */
const personOf = (a: Actor): string | undefined => (a.id === SYSTEM.id ? undefined : (a.name ?? a.email ?? a.id));

/** Who decided: the person of the decision (or of the last approval or denial), never the bot. */
export function decidedBy(r: AccountRequest): string | undefined {
  if (r.decision) return personOf(r.decision.by) ?? (r.approval?.rule ? `the approval policy (rule ${r.approval.rule})` : undefined);
  const last = [...r.audit].reverse().find((a) => a.action === 'approve' || a.action === 'deny');
  return last && personOf(last.actor);
}

const time = (iso: string) => html`<time datetime="${iso}">${iso.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}</time>`;

/** The status as a pill: plain words shown, the code kept for scripts and tests. */
export const statusPill = (status: Status) =>
  html`<span class="status status-${status}" data-testid="status" data-status="${status}">${statusWords(status)}</span>`;

/** A request as an HTML definition list, for the approval, result and request pages. */
export function requestDetails(r: AccountRequest): SafeHtml {
  const by = decidedBy(r);
  const rows: Array<[string, string | SafeHtml | undefined]> = [
    ['Status', statusPill(r.status)],
    ['Requested by', breakable(`${requesterName(r.requester)} <${r.requester.email}>`)],
    // A product request is about a product (launched in an account), not about an account.
    ...(r.product ? productRows(r) : accountRows(r)),
    ['Reason', r.reason],
    ['Requested at', time(r.createdAt)],
    [
      'Decision',
      r.decision &&
        html`<span data-testid="decided-by">${r.decision.outcome === 'approved' ? 'Approved' : 'Denied'}${by ? html` by ${breakable(by)}` : ''}</span>, ${time(r.decision.at)}${r.decision.reason ? ` (${r.decision.reason})` : ''}`,
    ],
    [
      'Account id',
      r.provisioning?.accountId &&
        html`<span data-testid="account-id">${r.provisioning.accountId}</span>${isSimulated(r) ? html` <span class="badge">sandbox</span>` : ''}`,
    ],
    ['Failure', r.provisioning?.failureReason && html`<span data-testid="failure">${r.provisioning.failureReason}</span>`],
    ['Request id', r.id],
  ];
  return html`<dl class="details">${rows.filter(([, v]) => v).map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`;
}

/** The rows of the details that are the account's. */
const accountRows = (r: AccountRequest): Array<[string, string | SafeHtml]> => [
  ['Account name', r.account.name],
  ['Account type', r.account.type],
  ['Root e-mail', breakable(r.account.email)],
  ['Organizational unit', ouLabel(r.account.ou)],
  ['SSO user', breakable(`${r.account.sso.firstName} ${r.account.sso.lastName} <${r.account.sso.email}>`)],
];

/** What each change of the lifecycle is called on the timeline; an unknown one by its name. */
const HAPPENED: Record<string, (e: AuditEvent, r: AccountRequest) => string> = {
  create: () => 'Requested',
  approve: () => 'Approved',
  'approve-stage': () => 'Approved for one stage',
  'advance-stage': () => 'On to the next stage of approvals',
  deny: (e) => `Denied${e.reason ? `: ${e.reason}` : ''}`,
  cancel: () => 'Withdrawn',
  expire: () => 'Expired: nobody decided in time',
  remind: () => 'Approvers reminded',
  start: () => 'Provisioning started',
  requeue: () => 'Back in the queue: the Account Factory was busy',
  record: (_e, r) =>
    r.kind === 'terminate-product'
      ? 'Service Catalog is terminating the product'
      : r.product
        ? 'Service Catalog is launching the product'
        : 'The Account Factory is creating the account',
  succeed: (_e, r) =>
    r.kind === 'terminate-product'
      ? 'Terminated'
      : `Ready${r.provisioning?.accountId ? `: account ${r.provisioning.accountId}` : r.product ? ': the product is launched' : ''}`,
  fail: (e, r) => `Failed: ${e.reason ?? r.provisioning?.failureReason ?? 'the Account Factory reported a failure'}`,
  retry: () => 'Retried',
};

/** The request's history, oldest first: what happened, by whom, when, and the state it led to. */
export function timeline(r: AccountRequest): SafeHtml {
  return html`<ol class="timeline" data-testid="timeline">${r.audit.map((e) => {
    const what = HAPPENED[e.action]?.(e, r) ?? capitalise(e.action.replace(/-/g, ' '));
    const who = personOf(e.actor);
    return html`<li class="event" data-action="${e.action}" data-status="${e.to}">
<span class="when">${time(e.at)}</span>
<span class="what">${what}${who ? html` by <strong>${breakable(who)}</strong>` : ''}</span>
<span class="state">${statusWords(e.to)}</span></li>`;
  })}</ol>`;
}

/** Nothing more happens by itself: a terminal state, or a failure (only a person's retry moves it on). */
export const isFinal = (status: Status): boolean => isTerminal(status) || status === 'FAILED';

/**
 * A region that follows the request: the pages' script fetches the page again and swaps this
 * region while the request can still change, and stops once it is final.
 */
export function liveRegion(r: AccountRequest, body: SafeHtml): SafeHtml {
  const final = isFinal(r.status);
  return html`<div class="live" data-live data-final="${String(final)}" data-status="${r.status}" aria-live="polite">${body}
<p class="live-note" data-testid="live-note">${final ? 'This is the final state: the page no longer updates.' : 'This page updates by itself.'}</p></div>`;
}

/** Who moved the request to its current state, and when, in words (the decision when there is one). */
export const lastChange = (r: AccountRequest): string => howItGotHere(r);
