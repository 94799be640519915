import type { AccountRequest } from '../../core/request/account-request';
import { html, type PageOptions, page, SafeHtml } from './html';
import { isProductRequest, outputsTable, productHeading, productLead, terminateFields } from './product-view';
import { decidedBy, liveRegion, requestDetails, statusWords, timeline } from './request-view';

/** The script that shows times in the reader's zone and follows a live region (public/request-page.js). */
export const LIVE_SCRIPT = 'request-page.js';
/** The scripts behind the request page's Cancel and Retry buttons (public/request-actions.js and what it uses). */
const ACTION_SCRIPTS = ['chat-store.js', 'page-api.js', 'request-actions.js'];

type Action = 'cancel' | 'retry' | 'terminate';

/** What a person can do to a request from its page: withdraw it while it waits, retry it once it failed. */
export const ACTIONS_FOR: Partial<Record<AccountRequest['status'], Action>> = {
  PENDING_APPROVAL: 'cancel',
  FAILED: 'retry',
};

/** ...and terminate a launched product. */
export const actionFor = (r: AccountRequest): Action | undefined =>
  r.kind === 'product' && r.status === 'SUCCEEDED' ? 'terminate' : ACTIONS_FOR[r.status];

const hiddenUnless = (on: boolean) => (on ? '' : new SafeHtml(' hidden'));

/**
 * The Cancel and Retry buttons, outside the live region (what is typed survives its updates); the
 * script shows the one that fits the request's state as the region follows it.
 */
function actions(r: AccountRequest): SafeHtml {
  const now = actionFor(r);
  const product = r.kind === 'product';
  const who = product
    ? 'only the requester may cancel; the requester or an approver may retry or terminate'
    : 'only the requester may cancel; the requester or an approver may retry';
  return html`<section class="request-actions" data-testid="request-actions" data-request-id="${r.id}"${hiddenUnless(!!now)}>
<h2>Change this request</h2>
<form class="fields actor-form" novalidate>
<div class="field"><label for="actor-email">Your e-mail (${who})</label>
<input id="actor-email" name="email" type="email" autocomplete="email" maxlength="64" spellcheck="false" data-testid="actor-email"></div>
<div class="inline">
<button type="button" class="secondary danger" data-action="cancel" data-testid="request-cancel"${hiddenUnless(now === 'cancel')}>Cancel the request</button>
<button type="button" data-action="retry" data-testid="request-retry"${hiddenUnless(now === 'retry')}>Retry</button>
${product ? html`<button type="button" class="secondary danger" data-action="terminate" data-testid="request-terminate"${hiddenUnless(now === 'terminate')}>Terminate…</button>` : ''}
</div>
${product ? terminateFields() : ''}
</form>
<p class="action-result" data-testid="request-action-result" role="status" hidden></p>
</section>`;
}

/** What a requester reads at GET /requests/:id in a browser: the request, where it is, how it got there. */
export function requestPage(r: AccountRequest, opts: PageOptions): string {
  const by = decidedBy(r);
  const lead =
    productLead(r) ??
    (r.status === 'SUCCEEDED' && r.provisioning?.accountId
      ? html`The account <strong>${r.provisioning.accountId}</strong> is ready.`
      : r.status === 'FAILED'
        ? html`Provisioning failed: ${r.provisioning?.failureReason ?? 'the Account Factory reported a failure'}.`
        : html`${statusWords(r.status)}${by ? html`, decided by <strong>${by}</strong>` : ''}.`);
  const heading = isProductRequest(r) ? productHeading(r) : html`<h1>${r.account.name} <span class="muted">· ${r.account.type}</span></h1>`;
  const body = html`${heading}
${liveRegion(
  r,
  html`<p class="lead" data-testid="lead">${lead}</p>
${outputsTable(r)}
<h2>Timeline</h2>
${timeline(r)}
<h2>Details</h2>
${requestDetails(r)}`,
)}
${actions(r)}`;
  return page(`Request ${r.id}`, body, opts, [LIVE_SCRIPT, ...ACTION_SCRIPTS]);
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
