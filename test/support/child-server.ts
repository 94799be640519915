import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

/**
 * Starts the real product (`app/server.ts`, the `npm start` entry point) as a child process, so a
 * test can kill it the hard way (SIGKILL: no shutdown hook, no flush) and start it again on the
 * same data directory.
 *
 * It runs as `node --import tsx app/server.ts`: one process, so the signal reaches the server
 * itself. (The `tsx` CLI runs the server in a grandchild; SIGKILL to the CLI leaves that
 * grandchild running.) Every wait here is bounded.
 */

const REPO = join(__dirname, '..', '..');

export interface ChildServer {
  baseUrl: string;
  port: number;
  dataDir: string;
  pid: number;
  /** What the child wrote on stdout and stderr so far (for failure messages). */
  output(): string;
  /** True once the process has exited. */
  readonly exited: boolean;
  /** How it ended: its exit code, or the signal that ended it (undefined while it runs). */
  readonly exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** Sends `signal` (default SIGKILL) right away, without waiting. */
  signal(signal?: NodeJS.Signals): void;
  /** Sends `signal` and waits (bounded) until the process is gone; SIGKILL after `graceMs`. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

export interface ChildServerOptions {
  dataDir: string;
  /** Extra settings; they win over the defaults below. */
  env?: Record<string, string>;
  /** Listen on this port (e.g. the one of a killed run, so its links stay valid); a free one if not given or taken. */
  port?: number;
  /** How long to wait for GET /healthz (default 20 s). */
  readyTimeoutMs?: number;
}

const running = new Set<ChildServer>();

/** A port nobody listens on right now (the child binds it a moment later). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** A wait that never keeps the test runner alive on its own. */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());

export async function startChildServer(opts: ChildServerOptions): Promise<ChildServer> {
  let lastError: Error | undefined;
  // A port can be taken between picking and binding it: then try again with another one.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = attempt === 0 && opts.port ? opts.port : await freePort();
    try {
      return await startOnce(opts, port);
    } catch (err) {
      lastError = err as Error;
      if (!/EADDRINUSE/.test(lastError.message)) throw lastError;
    }
  }
  throw lastError!;
}

async function startOnce(opts: ChildServerOptions, port: number): Promise<ChildServer> {
  const baseUrl = `http://127.0.0.1:${port}`;
  // A clean environment: nothing of the test runner's (TABLE_NAME, SLACK_*, SNS_TOPIC_ARN…) leaks in.
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    DATA_DIR: opts.dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: baseUrl,
    LOG_LEVEL: 'warn',
    SANDBOX_PROVISION_SECONDS: '0.2',
    ...opts.env,
  };
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'app/server.ts'], {
    cwd: REPO,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (chunk: Buffer) => {
    out = (out + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited = false;
  let exit: ChildServer['exit'];
  const gone = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true;
      exit = { code, signal };
      resolve();
    });
  });
  child.once('error', (err) => keep(Buffer.from(`spawn error: ${err.message}\n`)));

  const server: ChildServer = {
    baseUrl,
    port,
    dataDir: opts.dataDir,
    pid: child.pid ?? -1,
    output: () => out,
    get exited() {
      return exited;
    },
    get exit() {
      return exit;
    },
    signal(signal: NodeJS.Signals = 'SIGKILL') {
      if (!exited) child.kill(signal);
    },
    async stop(signal: NodeJS.Signals = 'SIGKILL', graceMs = 5_000) {
      if (!exited) {
        child.kill(signal);
        const stopped = await Promise.race([gone.then(() => true), sleep(graceMs).then(() => false)]);
        if (!stopped) {
          child.kill('SIGKILL');
          await Promise.race([gone, sleep(5_000)]);
        }
      }
      running.delete(server);
    },
  };
  running.add(server);

  const until = Date.now() + (opts.readyTimeoutMs ?? 20_000);
  for (;;) {
    if (exited) {
      running.delete(server);
      throw new Error(`The server exited before it was ready${/EADDRINUSE/.test(out) ? ' (EADDRINUSE)' : ''}:\n${out}`);
    }
    try {
      const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(1_000) });
      if (res.ok) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) {
      await server.stop('SIGKILL');
      throw new Error(`The server did not answer GET /healthz within ${opts.readyTimeoutMs ?? 20_000} ms:\n${out}`);
    }
    await sleep(50);
  }
}

/** Kills every child this module started that is still running (for afterAll, pass or fail). */
export async function stopAllChildServers(): Promise<void> {
  await Promise.all([...running].map((s) => s.stop('SIGKILL')));
}

// Last resort: a test runner that exits without afterAll still takes its children along.
process.once('exit', () => {
  for (const s of running) s.signal('SIGKILL');
});
