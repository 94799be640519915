import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import newman, { type NewmanRunSummary } from 'newman';
import type { CollectionDefinition, ItemDefinition, ItemGroupDefinition } from 'postman-collection';
import { eventually, type RunningApp, startApp } from '../support/app';

/**
 * Runs the Postman collection (what a person imports into Postman) with newman against the real
 * app, so the collection cannot drift from the API: once without an API key, once with one, and
 * once with a wrong key (which must fail, or the other two prove nothing about the key).
 */

const COLLECTION = join(__dirname, 'vending-api.postman_collection.json');
const API_KEY = 'postman-test-key-0123456789';

/** A fresh copy each run: newman runs set collection variables (rootEmail, requestId). */
const loadCollection = (): CollectionDefinition => JSON.parse(readFileSync(COLLECTION, 'utf8'));

function requestNames(items: Array<ItemDefinition | ItemGroupDefinition> = []): string[] {
  return items.flatMap((i) => ('item' in i && Array.isArray(i.item) ? requestNames(i.item) : [i.name ?? '']));
}

function runCollection(baseUrl: string, apiKey?: string): Promise<NewmanRunSummary> {
  const envVar = [{ key: 'baseUrl', value: baseUrl }, ...(apiKey === undefined ? [] : [{ key: 'apiKey', value: apiKey }])];
  return new Promise((resolve, reject) => {
    newman.run({ collection: loadCollection(), envVar, reporters: [], timeoutRequest: 10_000 }, (err, summary) =>
      err ? reject(err) : resolve(summary),
    );
  });
}

/** One line per failure, so a failing run says which request and which test. */
const describeFailures = (summary: NewmanRunSummary) =>
  summary.run.failures.map((f) => `${f.source?.name ?? '?'} [${f.at}]: ${f.error.test ?? ''} ${f.error.message}`).join('\n');

const statusByRequest = (summary: NewmanRunSummary) =>
  Object.fromEntries(summary.run.executions.map((e) => [e.item.name, e.response?.code]));

const expected = requestNames(loadCollection().item);

function expectCleanRun(summary: NewmanRunSummary): void {
  expect(summary.error).toBeUndefined();
  expect(describeFailures(summary)).toBe('');
  expect(summary.run.failures).toHaveLength(0);
  // Every request ran, in order, and got an answer; every test script ran its assertions.
  expect(summary.run.executions.map((e) => e.item.name)).toEqual(expected);
  expect(summary.run.stats.requests).toMatchObject({ total: expected.length, failed: 0 });
  expect(summary.run.executions.every((e) => e.response && e.assertions?.length > 0)).toBe(true);
  expect(summary.run.stats.assertions.total).toBeGreaterThanOrEqual(expected.length);
}

describe('Postman collection (newman)', () => {
  it('the collection is Postman v2.1, sends x-api-key from {{apiKey}}, and includes the 2021 request unchanged apart from its host', () => {
    const c = loadCollection() as CollectionDefinition & { info: { schema: string } };
    expect(c.info.schema).toBe('https://schema.getpostman.com/json/collection/v2.1.0/collection.json');
    expect(c.variable).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: 'baseUrl', value: 'http://localhost:3000' }),
        expect.objectContaining({ key: 'apiKey', value: '' }),
      ]),
    );
    expect(c.auth).toEqual({
      type: 'apikey',
      apikey: expect.arrayContaining([
        expect.objectContaining({ key: 'key', value: 'x-api-key' }),
        expect.objectContaining({ key: 'value', value: '{{apiKey}}' }),
        expect.objectContaining({ key: 'in', value: 'header' }),
      ]),
    });
    const all = (items: Array<ItemDefinition | ItemGroupDefinition> = []): ItemDefinition[] =>
      items.flatMap((i) => ('item' in i && Array.isArray(i.item) ? all(i.item) : [i as ItemDefinition]));
    const first = all(c.item).find((i) => i.name === 'Production-Test-API (2021 request)');
    const req = first?.request as unknown as { method: string; url: { raw: string }; body: { raw: string } };
    expect(req.method).toBe('POST');
    expect(req.url.raw).toBe('{{baseUrl}}/account');
    expect(JSON.parse(req.body.raw)).toEqual({
      UserEmail: 'user@yourdomain.com',
      UserName: 'TestUser-Name',
      UserLastname: 'TestUser-LastName',
      UserInput: 'Hi, I would like a new account please!',
    });
    // No request may carry its own auth: they all inherit the collection's x-api-key.
    expect(all(c.item).every((i) => typeof i.request === 'object' && !('auth' in i.request && i.request.auth))).toBe(true);
  });

  describe('against an app without an API key', () => {
    let app: RunningApp;
    beforeAll(async () => {
      app = await startApp();
    });
    afterAll(() => app.stop());

    it('every request runs and every test passes; the request it creates is real and waits for the approvers', async () => {
      const summary = await runCollection(app.baseUrl);
      expectCleanRun(summary);

      const confirm = summary.run.executions.find((e) => e.item.name === 'Confirm: yes')!;
      const { requestId, slots } = confirm.response.json() as { requestId: string; slots: { RootEmail: string } };
      const rootEmail = slots.RootEmail;
      expect(requestId).toMatch(/^\S+$/);
      expect(rootEmail).toMatch(/^chatops-test-.+@example\.com$/);
      const stored = await app.app.core.lookUp(requestId);
      expect(stored).toMatchObject({ status: 'PENDING_APPROVAL', account: { email: rootEmail, type: 'Sandbox' } });
      // Approval is not in the collection (the link is in the e-mail), but the e-mail was sent.
      await app.settle();
      const mail = await eventually(async () =>
        (await app.app.core.sentMessages()!).find((m) => m.kind === 'approval-request' && m.requestId === requestId),
      );
      expect(mail.text).toContain('/account/confirm/');
    });

    it('a second run in the same app passes too (fresh conversation, fresh root e-mail)', async () => {
      expectCleanRun(await runCollection(app.baseUrl));
    });
  });

  describe('against an app with API_KEY set', () => {
    let app: RunningApp;
    beforeAll(async () => {
      app = await startApp({ API_KEY });
    });
    afterAll(() => app.stop());

    it('passes with the right key', async () => {
      expectCleanRun(await runCollection(app.baseUrl, API_KEY));
    });

    it('fails with a wrong key: every protected request gets 401, /healthz still answers', async () => {
      const summary = await runCollection(app.baseUrl, 'wrong-key');
      expect(summary.run.failures.length).toBeGreaterThan(0);
      expect(summary.run.executions.map((e) => e.item.name)).toEqual(expected);
      const statuses = statusByRequest(summary);
      for (const name of expected) expect([name, statuses[name]]).toEqual([name, name === 'GET /healthz' ? 200 : 401]);
      // Only /healthz passes its tests.
      const failed = new Set(summary.run.failures.map((f) => f.source?.name));
      expect([...failed].sort()).toEqual(expected.filter((n) => n !== 'GET /healthz').sort());
    });

    it('fails without a key (the default empty apiKey)', async () => {
      const summary = await runCollection(app.baseUrl);
      expect(summary.run.failures.length).toBeGreaterThan(0);
      expect(statusByRequest(summary)['Production-Test-API (2021 request)']).toBe(401);
    });
  });
});
