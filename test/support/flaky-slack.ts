import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { parseBody, type SlackProfile, SlackWebApiResponses } from './slack';

/**
 * A Slack Web API that can fail, for outage specs: a real HTTP server on 127.0.0.1 answering
 * POST /api/<method> with the documented response shapes (SlackWebApiResponses, shared with
 * FakeSlack), switched at any time between
 * - `healthy`: 200 with the method's answer;
 * - `500`: HTTP 500 (Slack's own outage page);
 * - `429`: HTTP 429 with `Retry-After: 1` (rate limited);
 * - `refused`: nothing listens on the port any more (open connections are dropped too), so
 *   connecting fails with ECONNREFUSED; going back to another mode listens on the same port again.
 *
 * Every request that reached the server is recorded with the mode that answered it; `delivered`
 * are the calls Slack took (answered 200 in healthy mode). Answers are written synchronously once
 * a request's body is in, so a call is recorded as delivered only together with its answer.
 */

export type SlackMode = 'healthy' | '500' | '429' | 'refused';

export interface RecordedCall {
  method: string;
  body: Record<string, any>;
  /** Date.now() when the server answered. */
  at: number;
  /** How it was answered. */
  mode: Exclude<SlackMode, 'refused'>;
  /** The answer's body, when answered healthy. */
  answer?: Record<string, any>;
}

export class FlakySlack {
  readonly calls: RecordedCall[] = [];
  /** Mode changes, in order, with when they happened. */
  readonly modes: Array<{ mode: SlackMode; at: number }> = [];
  private readonly responses: SlackWebApiResponses;
  private readonly sockets = new Set<Socket>();
  private server?: Server;
  private current: SlackMode = 'healthy';

  private constructor(
    users: Record<string, SlackProfile>,
    readonly port: number,
  ) {
    this.responses = new SlackWebApiResponses(users);
  }

  static async start(users: Record<string, SlackProfile>): Promise<FlakySlack> {
    const probe = createServer();
    await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const slack = new FlakySlack(users, port);
    await slack.listen();
    slack.modes.push({ mode: 'healthy', at: Date.now() });
    return slack;
  }

  /** What SLACK_API_URL should be. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  get mode(): SlackMode {
    return this.current;
  }

  /** Switches the mode; `refused` closes the listening socket, any other mode reopens it. */
  async setMode(mode: SlackMode): Promise<void> {
    if (mode === this.current) return;
    this.current = mode;
    this.modes.push({ mode, at: Date.now() });
    if (mode === 'refused') await this.unlisten();
    else if (!this.server) await this.listen();
  }

  /** Calls Slack took (answered 200 while healthy), optionally of one method. */
  delivered(method?: string): RecordedCall[] {
    return this.calls.filter((c) => c.mode === 'healthy' && (!method || c.method === method));
  }

  async close(): Promise<void> {
    await this.unlisten();
  }

  private handle(req: IncomingMessage, res: ServerResponse, raw: string): void {
    const mode = this.current;
    if (mode === 'refused') {
      // Arrived on a connection opened before the switch: dropped, as a dead Slack would.
      req.socket.destroy();
      return;
    }
    const method = /^\/api\/([\w.]+)$/.exec((req.url ?? '').split('?')[0])?.[1] ?? '(other)';
    const body = parseBody(req.headers['content-type']?.includes('application/json') ? safeJson(raw) : raw);
    const call: RecordedCall = { method, body, at: Date.now(), mode };
    this.calls.push(call);
    if (mode === '500') {
      res.writeHead(500, { 'content-type': 'text/html' }).end('<html><body>Slack is having trouble</body></html>');
    } else if (mode === '429') {
      res
        .writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' })
        .end(JSON.stringify({ ok: false, error: 'ratelimited' }));
    } else {
      call.answer = this.responses.respond(method, body);
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(call.answer));
    }
  }

  private async listen(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.handle(req, res, Buffer.concat(chunks).toString('utf8')));
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    // The port was free a moment ago (or was ours): a few tries cover a slow release.
    for (let attempt = 1; ; attempt++) {
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(this.port, '127.0.0.1', () => {
            server.off('error', reject);
            resolve();
          });
        });
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 20) throw err;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    this.server = server;
  }

  private async unlisten(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Keep-alive connections would still reach the old server: drop them, so nothing gets through.
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
  }
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return {};
  }
}
