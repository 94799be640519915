import express from 'express';
import type { Actor, Requester } from '../../app/core/request/account-request';
import { webDoor } from '../../app/doors/web/routes';
import { eventually, type RunningApp, startApp } from '../support/app';

/**
 * My accounts for browsers (GET /my-accounts, and GET /accounts once the REST door hands browsers
 * over): a frame whose script reads the accounts from the REST door, so the page itself holds no
 * account and the API key is checked on every read. What the server does put in it is escaped.
 */
const HTML = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
const jane: Requester = { id: 'jane@example.com', email: 'jane@example.com', firstName: 'Jane', lastName: 'Doe' };
const asJane: Actor = { id: jane.id, email: jane.email, name: 'Jane Doe', door: 'web' };
const boss: Actor = { id: 'boss@example.com', email: 'boss@example.com', name: 'Boss', door: 'email-link' };

describe('the My accounts page', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp({ APPROVER_EMAILS: 'boss@example.com', SANDBOX_LEASE_DAYS: '30' });
  });
  afterAll(() => running.stop());
  const get = (path: string, headers: Record<string, string> = HTML) => fetch(`${running.baseUrl}${path}`, { headers });

  it('renders the frame, its scripts and the words the script uses, with the e-mail of the link filled in', async () => {
    const res = await get('/my-accounts?email=jane%40example.com');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.text();
    expect(body).toContain('<h1>My accounts</h1>');
    expect(body).toContain('value="jane@example.com" data-testid="owner-email"');
    for (const src of ['chat-store.js', 'page-api.js', 'account-forms.js', 'my-accounts.js'])
      expect(body).toContain(`<script src="${src}" defer></script>`);
    const data = JSON.parse(body.match(/<script type="application\/json" id="accounts-data">([^<]*)<\/script>/)?.[1] ?? '{}');
    expect(data.stateWords).toMatchObject({ ACTIVE: 'Active', CLOSING: 'Being closed' });
    expect(data.kindWords['close-account']).toBe('Close the account');
    expect(data.statusWords.PENDING_APPROVAL).toBe('waiting for approval');
    expect(data.maxExtensionDays).toBeGreaterThan(0);
    // The embedded app's factory is a sandbox: the page says so.
    expect(body).toContain('class="sandbox-banner"');
    for (const src of ['my-accounts.js', 'account-forms.js', 'page-api.js']) expect((await get(`/${src}`, {})).status).toBe(200);
  });

  it('escapes what it is given', async () => {
    const evil = '"><script>alert(1)</script><img src=x onerror=alert(2)>';
    const body = await (await get(`/my-accounts?email=${encodeURIComponent(evil)}`)).text();
    expect(body).not.toContain('<script>alert(1)');
    expect(body).not.toContain('<img src=x');
    expect(body).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"');
    // Anything but one e-mail string is ignored.
    const twice = await (await get('/my-accounts?email=a@example.com&email=b@example.com')).text();
    expect(twice).toContain('value="" data-testid="owner-email"');
  });

  it('is linked from the chat page and from every server page', async () => {
    expect(await (await get('/')).text()).toContain('<a href="my-accounts" data-testid="my-accounts-link">My accounts</a>');
    expect(await (await get('/outbox')).text()).toContain('<a href="my-accounts" data-testid="my-accounts-link">My accounts</a>');
  });

  it('leaves the accounts to the REST door: JSON for the page script, with the vended account', async () => {
    const request = await running.app.core.ask(
      { requester: jane, accountType: 'Sandbox', accountEmail: 'jane-sbx@example.com', accountOU: 'Demos' },
      asJane,
    );
    await running.app.core.decide(request.id, 'approve', boss);
    const accountId = await eventually(async () => {
      await running.app.core.carryOutEffects();
      return (await running.app.core.lookUp(request.id)).provisioning?.accountId;
    });
    const res = await get('/accounts?email=jane@example.com', { accept: 'application/json' });
    expect(res.status).toBe(200);
    const { accounts } = (await res.json()) as { accounts: Array<Record<string, unknown>> };
    expect(accounts).toEqual([expect.objectContaining({ accountId, state: 'ACTIVE', factory: 'sandbox', vendedBy: request.id })]);
  });

  it('shows Cancel on the request page while the request waits, and neither button once it is decided', async () => {
    const request = await running.app.core.ask(
      { requester: jane, accountType: 'Sandbox', accountEmail: 'jane-wait@example.com', accountOU: 'Demos' },
      asJane,
    );
    const waiting = await (await get(`/requests/${request.id}`)).text();
    expect(waiting).toMatch(/<section class="request-actions" data-testid="request-actions" data-request-id="[^"]+">/);
    expect(waiting).toContain('data-testid="request-cancel">Cancel the request</button>');
    expect(waiting).toContain('data-testid="request-retry" hidden>Retry</button>');
    expect(waiting).toContain('<script src="request-actions.js" defer></script>');
    await running.app.core.cancel(request.id, asJane);
    const cancelled = await (await get(`/requests/${request.id}`)).text();
    expect(cancelled).toMatch(/data-testid="request-actions" data-request-id="[^"]+" hidden>/);
  });
});

describe('GET /accounts for browsers, once the REST door hands it over', () => {
  let running: RunningApp;
  let web: express.Express;
  beforeAll(async () => {
    running = await startApp();
    web = express().use(webDoor(running.app.core, { sandbox: true }).routes as express.Router);
  });
  afterAll(() => running.stop());

  it('is the same page for a browser, and left to the next door for anyone else', async () => {
    const server = web.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const page = await fetch(`${base}/accounts?email=jane%40example.com`, { headers: HTML });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('value="jane@example.com" data-testid="owner-email"');
      expect((await fetch(`${base}/accounts`, { headers: { accept: 'application/json' } })).status).toBe(404);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('behind an API key', () => {
  let keyed: RunningApp;
  beforeAll(async () => {
    keyed = await startApp({ API_KEY: 'accounts-page-key-0123456789' });
  });
  afterAll(() => keyed.stop());

  it('serves the frame (it holds no account) while the accounts themselves need the key', async () => {
    expect((await fetch(`${keyed.baseUrl}/my-accounts?email=jane@example.com`, { headers: HTML })).status).toBe(200);
    const bare = await fetch(`${keyed.baseUrl}/accounts?email=jane@example.com`, { headers: { accept: 'application/json' } });
    expect(bare.status).toBe(401);
    const keyedRes = await fetch(`${keyed.baseUrl}/accounts?email=jane@example.com`, {
      headers: { accept: 'application/json', 'x-api-key': 'accounts-page-key-0123456789' },
    });
    expect(keyedRes.status).toBe(200);
  });
});
