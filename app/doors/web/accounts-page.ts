import { STATUS_WORDS } from '../../core/effects/messages';
import type { RequestKind } from '../../core/request/account-request';
import type { AccountState } from '../../core/request/account-view';
import { POST_CLOSURE_DAYS } from '../../core/request/account-view';
import { MAX_EXTENSION_DAYS } from '../../core/use-cases/account-life';
import { html, type PageOptions, page, SafeHtml } from './html';

/**
 * "My accounts": the accounts the bot vended for an owner, and the buttons that ask to move,
 * close or extend one. The page is a frame; its script (public/my-accounts.js) reads the accounts
 * from GET /accounts?email= and asks through POST /accounts/:id/move|close|extend, so the REST
 * door checks the API key on every read and ask (the key this tab was given on the chat page).
 */

/** An account's state in plain words. */
export const ACCOUNT_STATE_WORDS: Record<AccountState, string> = {
  ACTIVE: 'Active',
  MOVING: 'Being moved to another OU',
  CLOSING: 'Being closed',
  SUSPENDED: `Closed (suspended: it can be reopened for ${POST_CLOSURE_DAYS} days)`,
  CLOSED: 'Closed',
};

/** What each kind of request asks for, in words. */
export const KIND_WORDS: Record<RequestKind, string> = {
  'new-account': 'New account',
  'move-account': 'Move to another OU',
  'close-account': 'Close the account',
  'extend-lease': 'Extend the lease',
  product: 'A product',
  'terminate-product': 'Terminate a product',
};

export const ACCOUNTS_SCRIPTS = ['chat-store.js', 'page-api.js', 'account-forms.js', 'my-accounts.js'];

/** The words and limits the script reads from the core (never a copy of its own); `<` escaped for the script element. */
const pageData = (): string =>
  JSON.stringify({
    stateWords: ACCOUNT_STATE_WORDS,
    kindWords: KIND_WORDS,
    statusWords: STATUS_WORDS,
    maxExtensionDays: MAX_EXTENSION_DAYS,
  }).replace(/</g, '\\u003c');

/** The page at GET /my-accounts (and GET /accounts for browsers): `email` prefills the owner's e-mail. */
export function accountsPage(email: string | undefined, opts: PageOptions): string {
  const body = html`<h1>My accounts</h1>
<form id="owner-form" class="owner-form" data-testid="owner-form" novalidate>
<label for="owner-email">Owner's e-mail</label>
<div class="inline"><input id="owner-email" name="email" type="email" autocomplete="email" maxlength="64" required spellcheck="false" value="${email ?? ''}" data-testid="owner-email">
<button type="submit" data-testid="owner-show">Show accounts</button></div>
</form>
<p class="notice" id="accounts-note" data-testid="accounts-note" aria-live="polite">Enter your e-mail to see the accounts the bot vended for you.</p>
<ol class="account-list" id="accounts" data-testid="accounts"></ol>
<template id="account-template">
<li class="account-card" data-testid="account">
<div class="card-head"><h2 class="card-title" data-testid="account-name"></h2><span class="badge sandbox-badge" data-testid="account-sandbox" hidden>sandbox: simulated, not a real AWS account</span><span class="account-state" data-testid="account-state"></span></div>
<dl class="details compact">
<dt>Account id</dt><dd><code data-testid="account-id"></code></dd>
<dt>Organizational unit</dt><dd data-testid="account-ou"></dd>
<dt>Type</dt><dd data-testid="account-type"></dd>
<dt class="row-lease" hidden>Lease ends</dt><dd class="row-lease" hidden><time data-testid="account-lease"></time></dd>
<dt>Tags</dt><dd><ul class="tags" data-testid="account-tags"></ul></dd>
<dt class="row-open" hidden>Open request</dt><dd class="row-open" hidden><a data-testid="account-open-request"></a></dd>
</dl>
<div class="account-actions" data-testid="account-actions">
<button type="button" class="secondary" data-action="move" data-testid="account-move">Move</button>
<button type="button" class="secondary danger" data-action="close" data-testid="account-close">Close</button>
<button type="button" class="secondary" data-action="extend" data-testid="account-extend" hidden>Extend</button>
</div>
<div class="account-form-slot"></div>
<p class="account-result" data-testid="account-result" aria-live="polite" hidden></p>
</li>
</template>
<script type="application/json" id="accounts-data">${new SafeHtml(pageData())}</script>`;
  return page('My accounts', body, opts, ACCOUNTS_SCRIPTS);
}
