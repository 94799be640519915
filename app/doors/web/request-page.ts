import type { AccountRequest } from '../../core/request/account-request';
import { html, type PageOptions, page, SafeHtml } from './html';
import { decidedBy, liveRegion, requestDetails, statusWords, timeline } from './request-view';

/** The script that shows times in the reader's zone and follows a live region (public/request-page.js). */
export const LIVE_SCRIPT = 'request-page.js';
/** The scripts behind the request page's Cancel and Retry buttons (public/request-actions.js and what it uses). */
const ACTION_SCRIPTS = ['chat-store.js', 'page-api.js', 'request-actions.js'];

/** What a person can do to a request from its page: withdraw it while it waits, retry it once it failed. */
export const ACTIONS_FOR: Partial<Record<AccountRequest['status'], 'cancel' | 'retry'>> = {
  PENDING_APPROVAL: 'cancel',
  FAILED: 'retry',
};

/**
 * The Cancel and Retry buttons, outside the live region (what is typed survives its updates); the
 * script shows the one that fits the request's state as the region follows it.
 */
function actions(r: AccountRequest): SafeHtml {
  const now = ACTIONS_FOR[r.status];
  return html`<section class="request-actions" data-testid="request-actions" data-request-id="${r.id}"${now ? '' : new SafeHtml(' hidden')}>
<h2>Change this request</h2>
<form class="fields actor-form" novalidate>
<div class="field"><label for="actor-email">Your e-mail (only the requester may cancel; the requester or an approver may retry)</label>
<input id="actor-email" name="email" type="email" autocomplete="email" maxlength="64" spellcheck="false" data-testid="actor-email"></div>
<div class="inline">
<button type="button" class="secondary danger" data-action="cancel" data-testid="request-cancel"${now === 'cancel' ? '' : new SafeHtml(' hidden')}>Cancel the request</button>
<button type="button" data-action="retry" data-testid="request-retry"${now === 'retry' ? '' : new SafeHtml(' hidden')}>Retry</button>
</div>
</form>
<p class="action-result" data-testid="request-action-result" role="status" hidden></p>
</section>`;
}

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
