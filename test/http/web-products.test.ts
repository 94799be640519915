import express from 'express';
import type { Actor } from '../../app/core/request/account-request';
import { webDoor } from '../../app/doors/web/routes';
import { eventually, type RunningApp, startApp } from '../support/app';

/**
 * Products for browsers (GET /vend-product, and GET /products once the REST door hands browsers
 * over): a frame whose scripts read the catalog from the REST door, like My accounts. A product
 * request's page shows its parameters with the secrets masked and, once launched, its outputs and
 * a Terminate button.
 */
const HTML = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
const DATABASE = 'prod-0by41fog5ma08';
const SECRET = 'correct-horse-battery';
const jane = { UserEmail: 'jane@example.com', UserName: 'Jane', UserLastname: 'Doe' };
const boss: Actor = { id: 'boss@example.com', email: 'boss@example.com', name: 'Boss', door: 'email-link' };

describe('the Products page', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp({ APPROVER_EMAILS: 'boss@example.com' });
  });
  afterAll(() => running.stop());
  const get = (path: string, headers: Record<string, string> = HTML) => fetch(`${running.baseUrl}${path}`, { headers });
  const askForDatabase = async () => {
    const res = await fetch(`${running.baseUrl}/products/${DATABASE}/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...jane, parameters: { DbName: 'orders', MasterPassword: SECRET }, reason: 'orders service' }),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { requestId: string }).requestId;
  };

  it('renders the frame, its scripts and the words they use, holding no product', async () => {
    const res = await get('/vend-product');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.text();
    expect(body).toContain('<h1>Products</h1>');
    expect(body).toContain('<link rel="stylesheet" href="products.css">');
    for (const src of ['chat-store.js', 'page-api.js', 'product-form.js', 'products.js'])
      expect(body).toContain(`<script src="${src}" defer></script>`);
    const data = JSON.parse(body.match(/<script type="application\/json" id="products-data">([^<]*)<\/script>/)?.[1] ?? '{}');
    expect(data.botAccount).toBe('the account the bot runs in');
    // The catalog comes from the script's call, not the page; the sandbox note is there to show.
    expect(body).not.toContain('Encrypted S3 bucket');
    expect(body).toMatch(/data-testid="catalog-sandbox" hidden>sandbox: simulated/);
    expect(body).toContain('data-testid="products" data-chosen=""');
    for (const src of ['products.js', 'product-form.js', 'products.css']) expect((await get(`/${src}`, {})).status).toBe(200);
  });

  it('escapes the product a link asks for, and ignores anything but one short string', async () => {
    const evil = '"><script>alert(1)</script>';
    const body = await (await get(`/vend-product?product=${encodeURIComponent(evil)}`)).text();
    expect(body).not.toContain('<script>alert(1)');
    expect(body).toContain('data-chosen="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(await (await get(`/vend-product?product=${DATABASE}`)).text()).toContain(`data-chosen="${DATABASE}"`);
    expect(await (await get(`/vend-product?product=a&product=b`)).text()).toContain('data-chosen=""');
    expect(await (await get(`/vend-product?product=${'x'.repeat(41)}`)).text()).toContain('data-chosen=""');
  });

  it('is linked from the chat page and from every server page', async () => {
    const link = '<a href="vend-product" data-testid="products-link">Products</a>';
    expect(await (await get('/')).text()).toContain(link);
    expect(await (await get('/outbox')).text()).toContain(link);
    expect(await (await get('/my-accounts')).text()).toContain(link);
  });

  it('leaves GET /products to the REST door for API clients', async () => {
    const res = await get('/products', { accept: 'application/json' });
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(((await res.json()) as { catalog: string }).catalog).toBe('sandbox');
  });

  it('shows a product request with its secret masked, then its outputs and the Terminate button once launched', async () => {
    const id = await askForDatabase();
    const waiting = await (await get(`/requests/${id}`)).text();
    expect(waiting).toContain('<h1>Small PostgreSQL database <span class="muted">· product</span></h1>');
    expect(waiting).toContain(
      '<dt>MasterPassword</dt><dd data-key="MasterPassword"><span class="masked" title="A secret: never shown">****</span></dd>',
    );
    expect(waiting).toContain('<dt>DbName</dt><dd data-key="DbName"><code>orders</code></dd>');
    expect(waiting).toContain('<span data-testid="launched-in">the account the bot runs in</span>');
    expect(waiting).not.toContain(SECRET);
    expect(waiting).not.toContain('sealed:');
    expect(waiting).not.toContain('data-testid="outputs"');
    expect(waiting).toContain('data-testid="request-cancel">Cancel the request</button>');
    expect(waiting).toContain('data-testid="request-terminate" hidden>Terminate…</button>');
    expect(waiting).not.toContain('Root e-mail');

    await running.app.core.decide(id, 'approve', boss);
    await eventually(async () => {
      await running.app.core.tend();
      return (await running.app.core.lookUp(id)).status === 'SUCCEEDED';
    }, 15_000);
    const launched = await (await get(`/requests/${id}`)).text();
    expect(launched).toContain(
      'The product <strong>Small PostgreSQL database</strong> is launched in the account the bot runs in. <span class="badge">sandbox: simulated</span>',
    );
    expect(launched).toContain('<table class="outputs" data-testid="outputs">');
    expect(launched).toMatch(
      /<tr data-key="DbName"><th scope="row" data-testid="output-key">DbName<\/th><td><code data-testid="output-value">orders<\/code><\/td><td data-testid="output-description">The database&#39;s name\.[^<]*<\/td><\/tr>/,
    );
    expect(launched).toMatch(/<tr data-key="Endpoint">.*rds\.sandbox\.invalid/);
    expect(launched).toContain('Service Catalog is launching the product');
    expect(launched).not.toContain(SECRET);
    expect(launched).toContain('data-testid="request-terminate">Terminate…</button>');
    expect(launched).toContain('data-testid="terminate-fields" hidden>');
    expect(launched).toContain('data-testid="request-cancel" hidden>');
  });

  it('shows a termination with a link to the product it ends, and no Terminate button of its own', async () => {
    const id = await askForDatabase();
    await running.app.core.decide(id, 'approve', boss);
    await eventually(async () => {
      await running.app.core.tend();
      return (await running.app.core.lookUp(id)).status === 'SUCCEEDED';
    }, 15_000);
    const res = await fetch(`${running.baseUrl}/requests/${id}/terminate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...jane, reason: 'not needed' }),
    });
    expect(res.status).toBe(201);
    const { requestId } = (await res.json()) as { requestId: string };
    const body = await (await get(`/requests/${requestId}`)).text();
    expect(body).toContain('<span class="muted">· termination</span>');
    expect(body).toContain(`<a href="requests/${id}" data-testid="terminates">${id}</a>`);
    expect(body).not.toContain('data-testid="request-terminate"');
    expect(body).not.toContain('data-testid="outputs"');
    expect(body).not.toContain(SECRET);
  });
});

describe('GET /products for browsers, once the REST door hands it over', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp();
  });
  afterAll(() => running.stop());

  it('is the Products page for a browser, and left to the next door for anyone else', async () => {
    const web = express().use(webDoor(running.app.core, { sandbox: true }).routes as express.Router);
    const server = web.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const page = await fetch(`${base}/products?product=${DATABASE}`, { headers: HTML });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain(`data-chosen="${DATABASE}"`);
      expect((await fetch(`${base}/products`, { headers: { accept: 'application/json' } })).status).toBe(404);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
