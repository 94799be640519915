import type { AccountRequest } from '../../core/request/account-request';
import { html, type PageOptions, page } from './html';
import { decidedBy, liveRegion, requestDetails, statusWords, timeline } from './request-view';

/** The script that shows times in the reader's zone and follows a live region (public/request-page.js). */
export const LIVE_SCRIPT = 'request-page.js';

/** What a requester reads at GET /requests/:id in a browser: the request, where it is, how it got there. */
export function requestPage(r: AccountRequest, opts: PageOptions): string {
  const by = decidedBy(r);
  const lead =
    r.status === 'SUCCEEDED' && r.provisioning?.accountId
      ? html`The account <strong>${r.provisioning.accountId}</strong> is ready.`
      : r.status === 'FAILED'
        ? html`Provisioning failed: ${r.provisioning?.failureReason ?? 'the Account Factory reported a failure'}.`
        : html`${statusWords(r.status)}${by ? html`, decided by <strong>${by}</strong>` : ''}.`;
  const body = html`<h1>${r.account.name} <span class="muted">· ${r.account.type}</span></h1>
${liveRegion(
  r,
  html`<p class="lead" data-testid="lead">${lead}</p>
<h2>Timeline</h2>
${timeline(r)}
<h2>Details</h2>
${requestDetails(r)}`,
)}`;
  return page(`Request ${r.id}`, body, opts, [LIVE_SCRIPT]);
}

/** A browser asking for a request of a server with an API key: the key cannot come with a link. */
export function keyRequiredPage(opts: PageOptions): string {
  return page(
    'API key required',
    html`<h1>This server asks for an API key</h1>
<p class="notice">Requests can only be read with the server's API key. Open the <a href="./">chat page</a>, enter the key there, and follow your requests under "My requests".</p>`,
    opts,
  );
}
