import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReadyMessage } from '../bench-server';

/** The app under test, running in a child process (scripts/bench-server.ts). */
export interface Target {
  baseUrl: string;
  /** Spawn to listening, as seen by this process (includes loading and compiling the modules). */
  readyMs: number;
  /** Building the app (store, dialog, routes) to listening, as measured in the child. */
  startupMs: number;
  /** CPU time the server process has used so far, in ms (Linux /proc), or undefined where it cannot be read. */
  cpuMs(): number | undefined;
  stop(): Promise<void>;
}

/** utime + stime of a process from /proc/<pid>/stat (clock ticks: 100 per second on Linux). */
function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined || process.platform !== 'linux') return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis are plain.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

/** The app (scripts/bench-server.ts), or the bare Bolt app the Slack scenarios are compared with. */
export const SERVERS = {
  app: join(__dirname, '..', 'bench-server.ts'),
  'bare-bolt': join(__dirname, 'bare-bolt-server.ts'),
} as const;
export type ServerName = keyof typeof SERVERS;

/** Starts scripts/bench-server.ts (or another server of SERVERS) as a child process and waits until it listens on 127.0.0.1. */
export async function startTarget(env: Record<string, string> = {}, timeoutMs = 60_000, server: ServerName = 'app'): Promise<Target> {
  const spawned = performance.now();
  const child: ChildProcess = fork(SERVERS[server], [], {
    // BENCH_CPU_PROF=<dir>: each server writes a V8 CPU profile there when it stops (node --cpu-prof).
    execArgv: ['--import', 'tsx', ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : [])],
    env: { ...process.env, BENCH_APP_ENV: JSON.stringify(env), NODE_NO_WARNINGS: '1' },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-8_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const ready = await new Promise<ReadyMessage>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The app did not start within ${timeoutMs} ms\n${output}`)), timeoutMs);
    child.on('message', (m: ReadyMessage) => {
      if (m?.type !== 'ready') return;
      clearTimeout(timer);
      resolve(m);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`The app exited (code ${code}) before listening\n${output}`));
    });
  }).catch((err) => {
    if (child.exitCode === null) child.kill('SIGKILL');
    throw err;
  });

  return {
    baseUrl: `http://127.0.0.1:${ready.port}`,
    readyMs: performance.now() - spawned,
    startupMs: ready.startupMs,
    cpuMs: () => processCpuMs(child.pid),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send('stop');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
