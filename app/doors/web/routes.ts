import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import escapeHtml from 'escape-html';
import express, { Router } from 'express';
import { STATUS_WORDS } from '../../core/effects/messages';
import { NotFoundError } from '../../core/errors';
import { STATUSES } from '../../core/request/account-request';
import { MAX_TURN_CHARACTERS } from '../../core/request/validation';
import type { VendingCore } from '../../core/vending-core';
import { type Door, routesOnly } from '../door';
import { accountsPage } from './accounts-page';
import { html, linkify, type PageOptions, page, wantsHtml } from './html';
import { chosenProduct, productsPage } from './products-page';
import { keyRequiredPage, requestPage } from './request-page';
import { isFinal } from './request-view';

export const PUBLIC_DIR = join(__dirname, 'public');

/** What the chat page's script reads from the core instead of keeping its own copy: the states in words, and which are final. */
function pageData(): string {
  const data = { statusWords: STATUS_WORDS, finalStatuses: STATUSES.filter(isFinal) };
  return JSON.stringify(data).replace(/</g, '\\u003c');
}

/** The browser door: the chat page (static, on top of POST /account and GET /requests), the request page and the outbox page. */
export function webDoor(core: VendingCore, page: PageOptions): Door {
  return routesOnly(
    'web',
    webRoutes(core, { page }),
    'chat page /, request pages /requests/<id>, my accounts /my-accounts, products /vend-product, outbox /outbox',
  );
}

function webRoutes(core: VendingCore, deps: { page: PageOptions }): Router {
  const router = Router();
  // The chat page's links are relative to <base>, set to where the app is served (an API Gateway
  // stage adds a path prefix), so the same files work locally and behind API Gateway. The limits
  // it tells people about are the core's.
  const index = readFileSync(join(PUBLIC_DIR, 'index.html'), 'utf8')
    .replace('<base href="/">', `<base href="${escapeHtml(deps.page.base ?? '')}/">`)
    .replace('data-max-message=""', `data-max-message="${MAX_TURN_CHARACTERS}"`)
    .replace('data-idle-minutes=""', `data-idle-minutes="${core.conversationIdleMinutes}"`)
    .replace(
      '<script type="application/json" id="page-data">{}</script>',
      `<script type="application/json" id="page-data">${pageData()}</script>`,
    );
  router.get(['/', '/index.html'], (_req, res) => {
    res.type('html').set('cache-control', 'no-cache').send(index);
  });
  // Revalidate on every load so a deploy is seen at once; the files are small.
  router.use(express.static(PUBLIC_DIR, { index: false, maxAge: 0 }));

  // Browsers only: the REST door answers API clients with JSON, and says here whether the key was missing.
  router.get('/requests/:id', async (req, res, next) => {
    if (!wantsHtml(req)) return next();
    if (res.locals.apiKeyMissing === true) return void res.status(401).type('html').send(keyRequiredPage(deps.page));
    try {
      const request = await core.lookUp(String(req.params.id));
      res.type('html').set('cache-control', 'no-store').send(requestPage(request, deps.page));
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      const body = html`<h1>No such request</h1><p class="error" data-testid="not-found">${err.message}. Check the link, or see your requests on the <a href="./">chat page</a>.</p>`;
      res
        .status(404)
        .type('html')
        .send(page('Unknown request', body, deps.page));
    }
  });

  // My accounts: a frame whose script reads and asks through the REST door (which checks the API
  // key on each call), so the page itself holds no account and needs no key. GET /accounts comes
  // here from browsers once the REST door hands it over as it does GET /requests/:id.
  router.get(['/my-accounts', '/accounts'], (req, res, next) => {
    if (req.path === '/accounts' && !wantsHtml(req)) return next();
    const email = typeof req.query.email === 'string' ? req.query.email.slice(0, 200) : undefined;
    res.type('html').set('cache-control', 'no-store').send(accountsPage(email, deps.page));
  });

  // Products: a frame like My accounts (its scripts read the catalog through the REST door). GET
  // /products comes here from browsers once the REST door hands it over as it does GET /accounts.
  router.get(['/vend-product', '/products'], (req, res, next) => {
    if (req.path === '/products' && !wantsHtml(req)) return next();
    res
      .type('html')
      .set('cache-control', 'no-store')
      .send(productsPage(chosenProduct(req.query.product), deps.page));
  });

  router.get('/outbox', async (_req, res) => {
    const sent = core.sentMessages();
    if (!sent) {
      res
        .status(404)
        .type('html')
        .send(
          page(
            'Outbox',
            html`<h1>No outbox</h1><p>Messages go out through the configured notifier (e.g. SNS), not the embedded outbox.</p>`,
            deps.page,
          ),
        );
      return;
    }
    const entries = await sent;
    res.type('html').send(
      page(
        'Outbox',
        html`<h1>Outbox</h1>
<p>E-mail the bot would have sent, newest first (embedded notifier: nothing leaves this machine). Also in <code>outbox.jsonl</code> in the data directory.</p>
${entries.length === 0 ? html`<p class="empty">No messages yet.</p>` : ''}
<ol class="outbox">${entries.map(
          (e) => html`<li class="message" data-kind="${e.kind}" data-request-id="${e.requestId}">
<div class="meta"><span class="to">To: ${e.to}</span><time datetime="${e.sentAt}">${e.sentAt}</time></div>
<h2 class="subject">${e.subject}</h2>
<pre class="text">${linkify(e.text)}</pre></li>`,
        )}</ol>`,
        deps.page,
      ),
    );
  });
  return router;
}
