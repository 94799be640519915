import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createLogger } from '../../app/boot/logger';
import { accessLog } from '../../app/doors/http/access-log';

/**
 * No per-request work for access lines nobody writes: below info (warn, error, silent) pino-http
 * is not mounted, so no child logger is bound to a request and nothing is serialised; at info each
 * request costs one child logger (pino-http's) and one line. Counted, not timed: the logger's
 * `child` and its writes are counted over a number of requests.
 */
async function run(level: string, requests: number): Promise<{ children: number; lines: number; ids: string[] }> {
  let lines = 0;
  const log = createLogger(level, { write: () => void lines++ });
  const child = jest.spyOn(log, 'child');
  const http = express();
  http.use(accessLog(http, log));
  http.get('/ping', (_req, res) => void res.json({ ok: true }));
  const server: Server = await new Promise((resolve) => {
    const s = http.listen(0, '127.0.0.1', () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const ids: string[] = [];
  try {
    for (let i = 0; i < requests; i++) ids.push((await fetch(`${base}/ping`)).headers.get('x-request-id') ?? '');
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
  return { children: child.mock.calls.length, lines, ids };
}

describe('the access log', () => {
  it.each(['silent', 'warn'])(
    'does no per-request logging work at %s: no child logger, no line, the request id still set',
    async (level) => {
      const { children, lines, ids } = await run(level, 20);
      expect(children).toBe(0);
      expect(lines).toBe(0);
      expect(ids.every((id) => /^[0-9a-f-]{36}$/.test(id))).toBe(true);
    },
  );

  it('at info, writes one line per request (the counter sees the work it counts)', async () => {
    const { children, lines } = await run('info', 20);
    expect(lines).toBe(20);
    expect(children).toBeGreaterThanOrEqual(20);
  });
});
