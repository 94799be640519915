import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { createVendingApp } from '../../app/boot/composition';
import { loadConfig } from '../../app/boot/config';
import { createLogger, prettyWanted } from '../../app/boot/logger';
import { fingerprint, loggedPath } from '../../app/doors/http/access-line';
import { accessLog } from '../../app/doors/http/access-log';
import { linkSigner } from '../support/app';

const API_KEY = 'api-key-secret-0123456789';
const secrets = {
  'x-api-key': API_KEY,
  authorization: 'Bearer secret-bearer-token-abc',
  cookie: 'session=secret-cookie-xyz',
  'x-slack-signature': 'v0=secret-slack-signature-123',
};

/** A logger writing into memory: every line it writes, as written. */
function memoryLogger(level: string) {
  const lines: string[] = [];
  return { lines, log: createLogger(level, { write: (s: string) => void lines.push(...s.split('\n').filter(Boolean)) }) };
}

async function listen(http: express.Express): Promise<{ server: Server; baseUrl: string }> {
  const server: Server = await new Promise((resolve) => {
    const s = http.listen(0, '127.0.0.1', () => resolve(s));
  });
  return { server, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** The real app, logging at `level` into memory, on its own data directory. */
async function startLogged(level: string) {
  const dataDir = mkdtempSync(join(tmpdir(), 'vending-log-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    PORT: '0',
    SANDBOX_PROVISION_SECONDS: '0.2',
    LOG_LEVEL: level,
    API_KEY,
    APPROVER_EMAILS: 'boss@example.com',
  });
  const { lines, log } = memoryLogger(level);
  const app = await createVendingApp(config, { logger: log });
  const { server, baseUrl } = await listen(await app.httpApp());
  (app.config as { publicUrl: string }).publicUrl = baseUrl;
  return {
    app,
    baseUrl,
    dataDir,
    lines,
    async stop() {
      await new Promise((resolve) => server.close(resolve));
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const accessLines = (lines: string[]) => lines.map((l) => JSON.parse(l)).filter((l) => 'status' in l && 'ms' in l);

describe('HTTP logging', () => {
  it('writes one short access line per request, with no header, query, token or secret in any line', async () => {
    const running = await startLogged('info');
    const send = (path: string, init: RequestInit = {}) =>
      fetch(`${running.baseUrl}${path}`, { ...init, headers: { ...secrets, ...(init.headers as object) } });
    const say = async (UserInput: string) =>
      (await (
        await send('/account', {
          method: 'POST',
          body: JSON.stringify({ UserEmail: 'jane@example.com', UserName: 'Jane', UserLastname: 'Doe', UserInput }),
        })
      ).json()) as Record<string, string>;
    try {
      await say('a sandbox account in Demos for logs@example.com');
      const { requestId } = await say('yes');
      const token = linkSigner(running.dataDir).sign({
        requestId,
        approver: 'boss@example.com',
        expiresAt: new Date(Date.now() + 86_400_000),
      });
      expect(token.length).toBeGreaterThan(40);

      const paths = [
        `/requests/${requestId}?token=secret-query-token`,
        `/account/confirm/${token}`,
        `/account/confirm/${token}/result`,
        `/account/confirm/${token}?token=secret-query-token`,
      ];
      for (const path of paths) expect((await send(path)).status).toBe(200);

      const access = accessLines(running.lines);
      expect(access).toHaveLength(2 + paths.length);
      const fp = `<fp:${fingerprint(token)}>`;
      expect(access.map((l) => l.path)).toEqual([
        '/account',
        '/account',
        `/requests/${requestId}`,
        `/account/confirm/${fp}`,
        `/account/confirm/${fp}/result`,
        `/account/confirm/${fp}`,
      ]);
      for (const l of access) {
        expect(Buffer.byteLength(JSON.stringify(l))).toBeLessThan(400);
        expect(Object.keys(l).sort()).toEqual(['level', 'method', 'ms', 'msg', 'path', 'reqId', 'service', 'status', 'time']);
        expect(l.msg).toBe(`${l.method} ${l.path} ${l.status} ${l.ms}ms`);
      }
      const all = running.lines.join('\n');
      for (const secret of [...Object.values(secrets), token, token.slice(0, 20), 'secret-query-token']) expect(all).not.toContain(secret);
    } finally {
      await running.stop();
    }
  });

  it('never logs a secret product parameter at any step of a product request, even at trace level', async () => {
    const running = await startLogged('trace');
    const password = 'Never-Log-This-Pa55word';
    try {
      const res = await fetch(`${running.baseUrl}/products/prod-0by41fog5ma08/requests`, {
        method: 'POST',
        headers: { 'x-api-key': API_KEY },
        body: JSON.stringify({
          UserEmail: 'jane@example.com',
          UserName: 'Jane',
          UserLastname: 'Doe',
          parameters: { DbName: 'orders', MasterPassword: password },
          reason: 'orders',
        }),
      });
      expect(res.status).toBe(201);
      const { requestId } = (await res.json()) as { requestId: string };
      await running.app.core.decide(requestId, 'approve', { id: 'boss@example.com', email: 'boss@example.com', door: 'email-link' });
      for (let i = 0; i < 100 && (await running.app.core.lookUp(requestId)).status !== 'SUCCEEDED'; i++) {
        await running.app.core.tend();
        await new Promise((r) => setTimeout(r, 50));
      }
      expect((await running.app.core.lookUp(requestId)).status).toBe('SUCCEEDED');
      await running.app.core.settled();
      expect(running.lines.length).toBeGreaterThan(10);
      expect(running.lines.join('\n')).not.toContain(password);
    } finally {
      await running.stop();
    }
  });

  it('does no per-request logging when the level is silent, and still sets x-request-id', async () => {
    const running = await startLogged('silent');
    try {
      const echoed = await fetch(`${running.baseUrl}/requests`, { headers: { ...secrets, 'x-request-id': 'caller-id-1' } });
      expect(echoed.headers.get('x-request-id')).toBe('caller-id-1');
      const fresh = await fetch(`${running.baseUrl}/account/confirm/not-a-token`);
      expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      const long = await fetch(`${running.baseUrl}/healthz`, { headers: { 'x-request-id': 'x'.repeat(300) } });
      expect(long.headers.get('x-request-id')).toBe('x'.repeat(100));
      expect(running.lines).toEqual([]);
    } finally {
      await running.stop();
    }
  });

  it('keeps req.log working (bound to the request id) when access lines are off', async () => {
    const { lines, log } = memoryLogger('warn');
    const http = express();
    http.use(accessLog(http, log));
    http.get('/boom', (req, res) => {
      req.log.warn('something odd');
      res.end();
    });
    const { server, baseUrl } = await listen(http);
    try {
      const res = await fetch(`${baseUrl}/boom`, { headers: { 'x-request-id': 'rid-7' } });
      expect(res.headers.get('x-request-id')).toBe('rid-7');
      expect(lines.map((l) => JSON.parse(l))).toEqual([expect.objectContaining({ level: 'warn', msg: 'something odd', reqId: 'rid-7' })]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('logs approval paths, behind a prefix or not, as a fingerprint and drops query strings', () => {
    const fp = fingerprint('abc.def');
    expect(fp).toMatch(/^[0-9a-f]{8}$/);
    expect(loggedPath('/api/account/confirm/abc.def/result?x=1')).toBe(`/api/account/confirm/<fp:${fp}>/result`);
    expect(loggedPath('/ACCOUNT/Confirm/abc.def')).toBe(`/ACCOUNT/Confirm/<fp:${fp}>`);
    expect(loggedPath('/requests?token=secret')).toBe('/requests');
    expect(loggedPath(`/${'a'.repeat(500)}`).length).toBeLessThanOrEqual(201);
  });

  it('redacts secret keys and headers in any line, as a safety net', () => {
    const { lines, log } = memoryLogger('info');
    log.info(
      {
        token: 't-secret',
        config: { SLACK_BOT_TOKEN: 'xoxb-secret' },
        req: { headers: { authorization: 'Bearer b-secret', cookie: 'c-secret', 'x-api-key': 'k-secret' } },
      },
      'x',
    );
    expect(lines[0]).not.toMatch(/secret/);
    expect(lines[0]).toContain('[redacted]');
  });

  it('is pretty only for a terminal, never on Lambda', () => {
    expect(prettyWanted({ isTTY: true }, {})).toBe(true);
    expect(prettyWanted({ isTTY: false }, {})).toBe(false);
    expect(prettyWanted({}, {})).toBe(false);
    expect(prettyWanted({ isTTY: true }, { AWS_LAMBDA_FUNCTION_NAME: 'vending-http' })).toBe(false);
  });
});
