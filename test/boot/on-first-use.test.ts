import type { AddressInfo } from 'node:net';
import express from 'express';
import { onFirstUse } from '../../app/boot/on-first-use';
import { deferredRoutes } from '../../app/doors/http/deferred-routes';

describe('built on first use', () => {
  it('builds once for every use, concurrent ones included, and keeps what it built', async () => {
    let builds = 0;
    const port = onFirstUse(async () => ({ n: ++builds }));
    expect(port.ifBuilt()).toBeUndefined();
    const [a, b] = await Promise.all([port(), port()]);
    expect(a).toBe(b);
    expect(await port()).toBe(a);
    expect(await port.ifBuilt()).toBe(a);
    expect(builds).toBe(1);
  });

  it('tries a failed build again at the next use, with that use’s arguments (a Lambda function’s settings)', async () => {
    const seen: string[] = [];
    const app = onFirstUse(async (env: { TABLE_NAME?: string }) => {
      seen.push(env.TABLE_NAME ?? '(unset)');
      if (!env.TABLE_NAME) throw new Error('TABLE_NAME must name the DynamoDB table');
      return `app on ${env.TABLE_NAME}`;
    });
    await expect(app({})).rejects.toThrow('TABLE_NAME must name the DynamoDB table');
    expect(app.ifBuilt()).toBeUndefined();
    expect(await app({ TABLE_NAME: 'vending' })).toBe('app on vending');
    expect(await app({ TABLE_NAME: 'other' })).toBe('app on vending');
    expect(seen).toEqual(['(unset)', 'vending']);
  });
});

describe('deferred routes', () => {
  /** The routes on an HTTP app of their own, on loopback: a function sending one request and giving back its status and JSON body. */
  const servers: Array<{ close(): void }> = [];
  afterEach(() => {
    for (const s of servers.splice(0)) s.close();
  });
  const appWith = async (routes: express.RequestHandler) => {
    const app = express();
    app.use(routes);
    app.use((_req, res) => void res.status(404).json({ error: 'No such route' }));
    app.use(((err, _req, res, _next) => void res.status(503).json({ error: String(err.message) })) as express.ErrorRequestHandler);
    const server = await new Promise<import('node:http').Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    servers.push(server);
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return async (method: string, path: string, body?: object) => {
      const res = await fetch(base + path, {
        method,
        ...(body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
      });
      return [res.status, await res.json()];
    };
  };

  it('loads its routes with the first request that reaches them, once, mounted where they stand', async () => {
    let loads = 0;
    const routes = deferredRoutes(async () => {
      loads++;
      return express.Router().post('/slack/events', express.json(), (req, res) => void res.json({ got: req.body }));
    });
    const send = await appWith(routes);
    expect(loads).toBe(0);
    expect(await send('POST', '/slack/events', { a: 1 })).toEqual([200, { got: { a: 1 } }]);
    expect(await send('GET', '/elsewhere')).toEqual([404, { error: 'No such route' }]);
    expect(await send('POST', '/slack/events', { a: 2 })).toEqual([200, { got: { a: 2 } }]);
    expect(loads).toBe(1);
  });

  it('once built, hands the request on synchronously (serverless-express needs the body read at once)', async () => {
    const calls: string[] = [];
    const inner: express.RequestHandler = (_req, _res, next) => {
      calls.push('inner');
      next();
    };
    const routes = deferredRoutes(async () => inner);
    await routes.load();
    routes({} as express.Request, {} as express.Response, () => calls.push('next'));
    // No await in between: both ran in the same tick.
    expect(calls).toEqual(['inner', 'next']);
  });

  it('hands a failed load to the error handler and tries again with the next request', async () => {
    let attempt = 0;
    const routes = deferredRoutes(async () => {
      if (++attempt === 1) throw new Error('chunk not found');
      return undefined; // no routes: requests pass on
    });
    const send = await appWith(routes);
    expect(await send('GET', '/x')).toEqual([503, { error: 'chunk not found' }]);
    expect(await send('GET', '/x')).toEqual([404, { error: 'No such route' }]);
    expect(attempt).toBe(2);
  });
});
