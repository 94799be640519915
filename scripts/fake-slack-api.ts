/**
 * A loopback fake of the Slack Web API for the bench: a real HTTP server on 127.0.0.1 (port 0)
 * answering POST /api/<method> with the documented response shapes (ok: true ...), after an
 * optional delay per call that stands in for Slack's own latency.
 *
 * - users.info answers for any user id with a profile that has an e-mail and first/last names.
 * - Every call is counted per method; the approve buttons of messages posted through
 *   chat.postMessage are remembered (request id, channel, ts), which is how the bench learns the
 *   ids of pending requests, as an approver would from the approvals channel.
 *
 * scripts/bench.ts runs it in a child process of its own (`startFakeSlackProcess`), so that neither
 * the load generator's nor the app's event loop serves it. Run directly, it is the child: it sends
 * `{ type: 'ready', port }`, answers `{ type: 'stats' }` and stops on 'stop' or when the parent goes.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const BOT_USER = 'UBOT0001';
const MAX_BODY = 1_000_000;

export interface ApprovalPost {
  requestId: string;
  channel: string;
  ts: string;
}

export interface FakeSlackStats {
  /** Calls answered so far, per Web API method. */
  calls: Record<string, number>;
  /** Approval messages posted so far (with approve buttons); only when asked for. */
  approvals?: ApprovalPost[];
}

export interface FakeSlackApi {
  port: number;
  /** What SLACK_API_URL should be: http://127.0.0.1:<port>/api/ */
  apiUrl: string;
  latencyMs: number;
  stats(withApprovals?: boolean): FakeSlackStats;
  close(): Promise<void>;
}

type Body = Record<string, unknown>;

/** Starts the fake in this process. */
export async function startFakeSlackApi(opts: { latencyMs?: number } = {}): Promise<FakeSlackApi> {
  const latencyMs = opts.latencyMs ?? 0;
  const calls: Record<string, number> = {};
  const approvals: ApprovalPost[] = [];
  let ts = 1_700_000_000;
  const nextTs = (suffix: string) => `${ts++}.${suffix}`;

  const respond = (method: string, body: Body): object => {
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://bench.slack.com/',
          team: 'Bench',
          user: 'vendingbot',
          team_id: 'T0001',
          user_id: BOT_USER,
          bot_id: 'B0001',
        };
      case 'users.info': {
        const id = String(body.user ?? '');
        if (!id) return { ok: false, error: 'user_not_found' };
        const first = `Bench${id.slice(1)}`;
        const profile = {
          email: `${id.toLowerCase()}@example.com`,
          first_name: first,
          last_name: 'Load',
          real_name: `${first} Load`,
          display_name: first,
        };
        return { ok: true, user: { id, team_id: 'T0001', name: id.toLowerCase(), real_name: profile.real_name, is_bot: false, profile } };
      }
      case 'chat.postMessage': {
        const channel = String(body.channel ?? '');
        const posted = nextTs('000100');
        for (const requestId of approveButtons(body.blocks)) approvals.push({ requestId, channel, ts: posted });
        // Posting to a user id opens the app's DM with them.
        return {
          ok: true,
          channel: channel.startsWith('U') ? `D${channel.slice(1)}` : channel,
          ts: posted,
          message: { type: 'message', user: BOT_USER, text: body.text, ts: posted },
        };
      }
      case 'chat.update':
        return { ok: true, channel: body.channel, ts: body.ts, text: body.text, message: { text: body.text } };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: nextTs('000200') };
      case 'views.open':
      case 'views.publish':
      case 'views.update': {
        const view = typeof body.view === 'string' ? safeJson(body.view) : body.view;
        return { ok: true, view: { id: 'V0001', ...(view && typeof view === 'object' ? view : {}) } };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  };

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string) => {
    const match = /^\/api\/([\w.]+)$/.exec((req.url ?? '').split('?')[0]);
    const method = match?.[1] ?? '';
    const answer =
      req.method === 'POST' && match
        ? respond(method, parseBody(raw, req.headers['content-type']))
        : { ok: false, error: 'unknown_method' };
    calls[method || '(other)'] = (calls[method || '(other)'] ?? 0) + 1;
    const send = () => {
      if (res.destroyed) return;
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(answer));
    };
    if (latencyMs > 0) setTimeout(send, latencyMs);
    else send();
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    port,
    apiUrl: `http://127.0.0.1:${port}/api/`,
    latencyMs,
    stats: (withApprovals = false) => ({ calls: { ...calls }, ...(withApprovals ? { approvals: [...approvals] } : {}) }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Web API bodies are form-encoded (blocks and views as JSON strings), or JSON. */
function parseBody(raw: string, contentType: string | undefined): Body {
  if (!raw) return {};
  if (contentType?.includes('application/json')) {
    const parsed = safeJson(raw);
    return parsed && typeof parsed === 'object' ? (parsed as Body) : {};
  }
  return Object.fromEntries(new URLSearchParams(raw));
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

/** The values of approve_request buttons in a message's blocks (a JSON string or an array). */
function approveButtons(blocks: unknown): string[] {
  const list = typeof blocks === 'string' ? safeJson(blocks) : blocks;
  if (!Array.isArray(list)) return [];
  return list.flatMap((b: { type?: string; elements?: Array<{ action_id?: string; value?: string }> }) =>
    b?.type === 'actions' ? (b.elements ?? []).flatMap((e) => (e.action_id === 'approve_request' && e.value ? [e.value] : [])) : [],
  );
}

// ---------------------------------------------------------------------------------------------
// As a child process of the bench

type ChildMessage = { type: 'ready'; port: number; latencyMs: number } | ({ type: 'stats'; id: number } & FakeSlackStats);

/** The parent's handle on a fake running in its own child process. */
export interface FakeSlackProcess {
  apiUrl: string;
  latencyMs: number;
  stats(withApprovals?: boolean): Promise<FakeSlackStats>;
  stop(): Promise<void>;
}

export async function startFakeSlackProcess(latencyMs: number, timeoutMs = 30_000): Promise<FakeSlackProcess> {
  const child: ChildProcess = fork(__filename, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, FAKE_SLACK_LATENCY_MS: String(latencyMs), NODE_NO_WARNINGS: '1' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pending = new Map<number, (s: FakeSlackStats) => void>();
  let nextId = 0;
  const ready = await new Promise<{ port: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The fake Slack API did not start within ${timeoutMs} ms`)), timeoutMs);
    child.on('message', (m: ChildMessage) => {
      if (m.type === 'ready') {
        clearTimeout(timer);
        resolve(m);
      } else if (m.type === 'stats') {
        pending.get(m.id)?.({ calls: m.calls, approvals: m.approvals });
        pending.delete(m.id);
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error('The fake Slack API exited before listening'));
    });
  }).catch((err) => {
    if (child.exitCode === null) child.kill('SIGKILL');
    throw err;
  });

  return {
    apiUrl: `http://127.0.0.1:${ready.port}/api/`,
    latencyMs,
    stats: (withApprovals = false) =>
      new Promise<FakeSlackStats>((resolve, reject) => {
        const id = ++nextId;
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error('The fake Slack API did not answer a stats request within 10 s'));
        }, 10_000);
        pending.set(id, (s) => {
          clearTimeout(timer);
          resolve(s);
        });
        child.send({ type: 'stats', id, withApprovals });
      }),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send('stop');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function runAsChild(): Promise<void> {
  const latencyMs = Number(process.env.FAKE_SLACK_LATENCY_MS ?? 0) || 0;
  const fake = await startFakeSlackApi({ latencyMs });
  const stop = () => void fake.close().finally(() => process.exit(0));
  process.on('message', (m: 'stop' | { type: 'stats'; id: number; withApprovals?: boolean }) => {
    if (m === 'stop') return stop();
    if (m?.type === 'stats') process.send?.({ type: 'stats', id: m.id, ...fake.stats(m.withApprovals) } satisfies ChildMessage);
  });
  process.on('disconnect', stop);
  process.send?.({ type: 'ready', port: fake.port, latencyMs } satisfies ChildMessage);
}

if (require.main === module) {
  runAsChild().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
