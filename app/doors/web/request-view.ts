import { howItGotHere, isSimulated } from '../../core/effects/messages';
import { type AccountRequest, ouLabel, requesterName } from '../../core/request/account-request';
import { html, type SafeHtml } from './html';

/** A request as an HTML definition list, for the approval and result pages. */
export function requestDetails(r: AccountRequest): SafeHtml {
  const rows: Array<[string, string | SafeHtml | undefined]> = [
    ['Status', html`<span class="status status-${r.status}" data-testid="status">${r.status}</span>`],
    ['Requested by', `${requesterName(r.requester)} <${r.requester.email}>`],
    ['Account name', r.account.name],
    ['Account type', r.account.type],
    ['Root e-mail', r.account.email],
    ['Organizational unit', ouLabel(r.account.ou)],
    ['SSO user', `${r.account.sso.firstName} ${r.account.sso.lastName} <${r.account.sso.email}>`],
    ['Reason', r.reason],
    ['Requested at', r.createdAt],
    [
      'Decision',
      r.decision &&
        `${r.decision.outcome} by ${r.decision.by.name ?? r.decision.by.id} at ${r.decision.at}${r.decision.reason ? ` (${r.decision.reason})` : ''}`,
    ],
    [
      'Account id',
      r.provisioning?.accountId &&
        html`<span data-testid="account-id">${r.provisioning.accountId}</span>${isSimulated(r) ? html` <span class="badge">sandbox</span>` : ''}`,
    ],
    ['Failure', r.provisioning?.failureReason],
    ['Request id', r.id],
  ];
  return html`<dl class="details">${rows.filter(([, v]) => v).map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`;
}

/** Who moved the request to its current state, and when, in words (the decision when there is one). */
export const lastChange = (r: AccountRequest): string => howItGotHere(r);
