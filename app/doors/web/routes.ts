import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import escapeHtml from 'escape-html';
import express, { Router } from 'express';
import type { VendingCore } from '../../core/vending-core';
import { type Door, routesOnly } from '../door';
import { html, linkify, type PageOptions, page } from './html';

export const PUBLIC_DIR = join(__dirname, 'public');

/** The browser door: the chat page (static, on top of POST /account) and the outbox page. */
export function webDoor(core: VendingCore, page: PageOptions): Door {
  return routesOnly('web', webRoutes(core, { page }), 'chat page /, outbox /outbox');
}

function webRoutes(core: VendingCore, deps: { page: PageOptions }): Router {
  const router = Router();
  // The chat page's links are relative to <base>, set to where the app is served (an API Gateway
  // stage adds a path prefix), so the same files work locally and behind API Gateway.
  const index = readFileSync(join(PUBLIC_DIR, 'index.html'), 'utf8').replace(
    '<base href="/">',
    `<base href="${escapeHtml(deps.page.base ?? '')}/">`,
  );
  router.get(['/', '/index.html'], (_req, res) => {
    res.type('html').set('cache-control', 'no-cache').send(index);
  });
  // Revalidate on every load so a deploy is seen at once; the files are small.
  router.use(express.static(PUBLIC_DIR, { index: false, maxAge: 0 }));

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
<div class="meta"><span class="to">To: ${e.to}</span><time>${e.sentAt}</time></div>
<h2 class="subject">${e.subject}</h2>
<pre class="text">${linkify(e.text)}</pre></li>`,
        )}</ol>`,
        deps.page,
      ),
    );
  });
  return router;
}
