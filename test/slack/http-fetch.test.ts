import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpFetch } from '../../app/adapters/slack/http-fetch';

/** The Web API client's transport on node:http: what WebClient sends and reads, against a loopback server. */
describe('httpFetch', () => {
  let server: Server;
  let base: string;
  const timers: NodeJS.Timeout[] = [];
  const seen: Array<{ method?: string; url?: string; headers: IncomingMessage['headers']; body: string }> = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, headers: req.headers, body });
        if (req.url === '/slow') return void timers.push(setTimeout(() => res.end('late'), 1_000));
        const status = req.url === '/limited' ? 429 : 200;
        res.writeHead(status, {
          'content-type': 'application/json; charset=utf-8',
          'retry-after': '3',
          'x-oauth-scopes': 'chat:write, users:read',
        });
        res.end(JSON.stringify({ ok: status === 200, echoed: body }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    timers.forEach(clearTimeout);
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('posts the body with its headers and reads status, headers and text as fetch would', async () => {
    const res = await httpFetch(`${base}/api/chat.postMessage`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: 'Bearer xoxb-1' },
      body: new URLSearchParams({ channel: 'C1', text: 'héllo' }),
      redirect: 'error',
    });
    expect(res.status).toBe(200);
    expect(res.ok).toBe(true);
    expect(res.headers.get('X-OAuth-Scopes')).toBe('chat:write, users:read');
    expect(Object.fromEntries(res.headers.entries())).toMatchObject({ 'retry-after': '3' });
    expect(JSON.parse(await res.text())).toEqual({ ok: true, echoed: 'channel=C1&text=h%C3%A9llo' });
    const last = seen[seen.length - 1];
    expect(last).toMatchObject({ method: 'POST', url: '/api/chat.postMessage' });
    expect(last.headers).toMatchObject({ authorization: 'Bearer xoxb-1', 'content-length': String(Buffer.byteLength(last.body)) });
  });

  it('hands back a 429 with its Retry-After, and gives up when the signal says so', async () => {
    const limited = await httpFetch(`${base}/limited`, { method: 'POST', body: 'x=1' });
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '3']);
    await expect(httpFetch(`${base}/slow`, { method: 'POST', body: '', signal: AbortSignal.timeout(100) })).rejects.toThrow();
  });
});
