/**
 * `npm run bench`: load figures for the REST door, measured against the real app.
 *
 *   npm run bench                              # every scenario, 10 s each, 10 connections
 *   npm run bench -- -d 5 -c 50                # shorter, more connections
 *   npm run bench -- -s healthz,first-turn     # some scenarios only
 *   npm run bench -- --json                    # figures as JSON (for comparing runs)
 *   BENCH_DURATION=5 BENCH_CONNECTIONS=20 npm run bench
 *
 * The app runs in a child process (scripts/bench-server.ts: the composition root with a temporary
 * data dir, logging off, on 127.0.0.1), so autocannon's load generation does not share its event
 * loop. Each scenario warms up briefly, then measures for the given duration; everything is
 * bounded and the script exits by itself.
 *
 * Adding a scenario: write a function `(target, options) => Promise<Measurement>` (most use
 * `measure()`), add it to SCENARIOS. A scenario that needs its own app configuration (Slack
 * secrets for an ack-latency scenario, say) sets `env`; one that manages its own processes (cold
 * start) can call `startTarget()` itself.
 */
import autocannon from 'autocannon';
import { type ChildProcess, fork } from 'node:child_process';
import { cpus, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ReadyMessage } from './bench-server';

// ---------------------------------------------------------------------------------------------
// Options

interface Options {
  durationSec: number;
  connections: number;
  warmupSec: number;
  scenarios: string[];
  json: boolean;
}

const USAGE = `Usage: npm run bench -- [options]
  -d, --duration <s>      seconds measured per scenario (env BENCH_DURATION, default 10)
  -c, --connections <n>   concurrent connections (env BENCH_CONNECTIONS, default 10)
  -w, --warmup <s>        warm-up seconds before each scenario, not measured (env BENCH_WARMUP, default 2)
  -s, --scenarios <list>  comma-separated, from: ${'{SCENARIOS}'} (default: all)
      --json              print the figures as JSON instead of a table
  -h, --help`;

function parseOptions(argv: string[], env: NodeJS.ProcessEnv): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string', short: 'd' },
      connections: { type: 'string', short: 'c' },
      warmup: { type: 'string', short: 'w' },
      scenarios: { type: 'string', short: 's' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE.replace('{SCENARIOS}', Object.keys(SCENARIOS).join(', ')));
    process.exit(0);
  }
  const number = (name: string, raw: string | undefined, fallback: number, min: number, max: number, integer: boolean) => {
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
      throw new Error(`${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max} (got "${raw}")`);
    }
    return n;
  };
  const scenarios = (values.scenarios ?? Object.keys(SCENARIOS).join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = scenarios.filter((s) => !(s in SCENARIOS));
  if (unknown.length || !scenarios.length) throw new Error(`Unknown scenario ${unknown.join(', ')}; choose from ${Object.keys(SCENARIOS).join(', ')}`);
  return {
    durationSec: number('duration', values.duration ?? env.BENCH_DURATION, 10, 1, 600, false),
    connections: number('connections', values.connections ?? env.BENCH_CONNECTIONS, 10, 1, 1000, true),
    warmupSec: number('warmup', values.warmup ?? env.BENCH_WARMUP, 2, 0, 60, false),
    scenarios,
    json: values.json,
  };
}

// ---------------------------------------------------------------------------------------------
// The app under test

export interface Target {
  baseUrl: string;
  /** Spawn to listening, as seen by this process (includes loading and compiling the modules). */
  readyMs: number;
  /** Building the app (store, dialog, routes) to listening, as measured in the child. */
  startupMs: number;
  stop(): Promise<void>;
}

/** Starts scripts/bench-server.ts as a child process and waits until it listens on 127.0.0.1. */
export async function startTarget(env: Record<string, string> = {}, timeoutMs = 60_000): Promise<Target> {
  const spawned = performance.now();
  const child: ChildProcess = fork(join(__dirname, 'bench-server.ts'), [], {
    execArgv: ['--import', 'tsx'],
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
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send('stop');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Measuring

export interface Measurement {
  scenario: string;
  title: string;
  result: autocannon.Result;
  /** 2xx answers whose body was not what the step expects (a turn not recognised, say). */
  unexpected: number;
  /** What one "request" is, when it is not obvious. */
  note?: string;
}

type Check = { unexpected: number };

/** Warms up (not recorded), then measures one autocannon run against `target`. */
async function measure(
  target: Target,
  o: Options,
  scenario: string,
  title: string,
  path: string,
  build: (check: Check) => Omit<autocannon.Options, 'url' | 'duration' | 'connections'>,
  note?: string,
): Promise<Measurement> {
  // autocannon takes the path from the url (a top-level `path` option is ignored).
  const run = (durationSec: number, check: Check) =>
    autocannon({ url: `${target.baseUrl}${path}`, connections: o.connections, duration: durationSec, timeout: 10, ...build(check) });
  if (o.warmupSec > 0) await run(o.warmupSec, { unexpected: 0 });
  const check: Check = { unexpected: 0 };
  const result = await run(o.durationSec, check);
  return { scenario, title, result, unexpected: check.unexpected, note };
}

/** Unique per bench run and per request, so that every conversation belongs to a new user. */
let seq = 0;
const runTag = Date.now().toString(36);
const nextUser = () => {
  const n = ++seq;
  return { n, email: `bench-${runTag}-${n}@example.com`, first: `Bench${n}`, last: 'Load' };
};

const turn = (u: ReturnType<typeof nextUser>, input: string) =>
  JSON.stringify({ UserEmail: u.email, UserName: u.first, UserLastname: u.last, UserInput: input });

const stateOf = (body: string): string | undefined => {
  try {
    return (JSON.parse(body) as { state?: string }).state;
  } catch {
    return undefined;
  }
};

const JSON_HEADERS = { 'content-type': 'application/json' };

// ---------------------------------------------------------------------------------------------
// Scenarios: one function each.

/** (a) Baseline: GET /healthz, the cheapest route through the same HTTP stack and middleware. */
function healthz(target: Target, o: Options): Promise<Measurement> {
  return measure(target, o, 'healthz', 'GET /healthz (baseline)', '/healthz', (check) => ({
    method: 'GET',
    requests: [
      {
        onResponse: (status, body) => {
          if (status === 200 && !body.includes('"status":"ok"')) check.unexpected++;
        },
      },
    ],
  }));
}

/**
 * (b) First turns: every request is a new user saying "I would like a new account", so each one
 * recognises the intent, asks for the account type and stores a new dialog session.
 */
function firstTurn(target: Target, o: Options): Promise<Measurement> {
  return measure(target, o, 'first-turn', 'POST /account, first turn, new user each', '/account', (check) => ({
    method: 'POST',
    headers: JSON_HEADERS,
    requests: [
      {
        setupRequest: (req) => ({ ...req, body: turn(nextUser(), 'Hi, I would like a new account please!') }),
        onResponse: (status, body) => {
          if (status === 200 && (stateOf(body) !== 'ElicitSlot' || !body.includes('what account type'))) check.unexpected++;
        },
      },
    ],
  }));
}

/**
 * (c) Whole conversations: each connection loops over the five turns of one new user (2021 opening,
 * Sandbox, root e-mail, OU, yes), so every fifth request creates an account request (stored,
 * audited, approval mail to the outbox). Figures are per turn.
 */
function conversation(target: Target, o: Options): Promise<Measurement> {
  type Ctx = { user?: ReturnType<typeof nextUser> };
  const steps: Array<{ input: (u: ReturnType<typeof nextUser>) => string; expect: string }> = [
    { input: () => 'Hi, I would like a new account please!', expect: 'ElicitSlot' },
    { input: () => 'Sandbox', expect: 'ElicitSlot' },
    { input: (u) => `bench-root-${runTag}-${u.n}@example.com`, expect: 'ElicitSlot' },
    { input: () => 'Demos', expect: 'ConfirmIntent' },
    { input: () => 'yes', expect: 'Fulfilled' },
  ];
  return measure(
    target,
    o,
    'conversation',
    'POST /account, whole conversations (5 turns)',
    '/account',
    (check) => ({
      method: 'POST',
      headers: JSON_HEADERS,
      requests: steps.map((step, i) => ({
        // autocannon gives each connection a context, reset when its request list starts over.
        setupRequest: (req: autocannon.Request, context: object) => {
          const ctx = context as Ctx;
          if (i === 0 || !ctx.user) ctx.user = nextUser();
          return { ...req, body: turn(ctx.user, step.input(ctx.user)) };
        },
        onResponse: (status: number, body: string) => {
          if (status === 200 && stateOf(body) !== step.expect) check.unexpected++;
        },
      })),
    }),
    'a request is one turn; conversations/s = req/s / 5',
  );
}

interface Scenario {
  run: (target: Target, o: Options) => Promise<Measurement>;
  /** App settings this scenario needs; scenarios with the same env share one app. */
  env?: Record<string, string>;
}

const SCENARIOS: Record<string, Scenario> = {
  healthz: { run: healthz },
  'first-turn': { run: firstTurn },
  conversation: { run: conversation },
};

// ---------------------------------------------------------------------------------------------
// Report

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '-');

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

function summarise(m: Measurement) {
  const r = m.result;
  return {
    scenario: m.scenario,
    title: m.title,
    requestsPerSec: r.requests.average,
    latencyP50Ms: r.latency.p50,
    latencyP99Ms: r.latency.p99,
    latencyMaxMs: r.latency.max,
    requests: r.requests.total,
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
    unexpected: m.unexpected,
    note: m.note,
  };
}

function machine() {
  const cpu = cpus();
  return {
    node: process.version,
    cpus: cpu.length,
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    os: `${platform()} ${release()}`,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
  };
}

function ratios(byName: Map<string, ReturnType<typeof summarise>>) {
  const base = byName.get('healthz');
  if (!base) return [];
  return [...byName.values()]
    .filter((s) => s.scenario !== 'healthz')
    .map((s) => ({
      scenario: s.scenario,
      requestsPerSecRatio: s.requestsPerSec / base.requestsPerSec,
      p99Ratio: s.latencyP99Ms / base.latencyP99Ms,
    }));
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  let o: Options;
  try {
    o = parseOptions(process.argv.slice(2), process.env);
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE.replace('{SCENARIOS}', Object.keys(SCENARIOS).join(', '))}`);
    process.exit(2);
  }

  // A hard bound, whatever happens: every scenario's warm-up and run, plus app starts and slack.
  const boundMs = (o.scenarios.length * (o.warmupSec + o.durationSec + 15) + 90) * 1000;
  const targets = new Map<string, Target>();
  const stopAll = () => Promise.all([...targets.values()].map((t) => t.stop().catch(() => undefined)));
  const watchdog = setTimeout(() => {
    console.error(`bench: still running after ${boundMs / 1000} s; stopping`);
    void stopAll().finally(() => process.exit(3));
  }, boundMs);
  watchdog.unref();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void stopAll().finally(() => process.exit(130)));
  }

  const command = `tsx scripts/bench.ts ${process.argv.slice(2).join(' ')}`.trim();
  const effective = `duration ${o.durationSec} s, warm-up ${o.warmupSec} s, connections ${o.connections}, pipelining 1, scenarios ${o.scenarios.join(',')}`;
  const m = machine();
  const log = (s: string) => (o.json ? process.stderr.write(`${s}\n`) : console.log(s));
  log(`command: ${command}\n         (${effective})`);
  log(`machine: node ${m.node}, ${m.cpus} CPUs (${m.cpuModel}), ${m.os}, ${m.memoryGiB} GiB`);
  log('app:     child process, embedded store/dialog/outbox, sandbox factory, 127.0.0.1, LOG_LEVEL=silent (load generator and app share the CPUs)');

  const results: Measurement[] = [];
  try {
    for (const name of o.scenarios) {
      const scenario = SCENARIOS[name];
      const key = JSON.stringify(scenario.env ?? {});
      let target = targets.get(key);
      if (!target) {
        target = await startTarget(scenario.env);
        targets.set(key, target);
        log(`         app ready in ${fmt(target.readyMs)} ms from spawn (${fmt(target.startupMs)} ms to build and listen)`);
      }
      log(`running ${name}: ${o.warmupSec} s warm-up + ${o.durationSec} s ...`);
      results.push(await scenario.run(target, o));
    }
  } finally {
    await stopAll();
  }

  const summaries = results.map(summarise);
  const byName = new Map(summaries.map((s) => [s.scenario, s]));
  const rel = ratios(byName);
  if (o.json) {
    console.log(JSON.stringify({ command, options: o, machine: m, results: summaries, ratiosToHealthz: rel }, null, 2));
  } else {
    console.log('');
    console.log(
      table([
        ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'requests', 'errors', 'non-2xx', 'unexpected'],
        ...summaries.map((s) => [
          s.title,
          fmt(s.requestsPerSec),
          fmt(s.latencyP50Ms),
          fmt(s.latencyP99Ms),
          fmt(s.latencyMaxMs),
          fmt(s.requests),
          fmt(s.errors),
          fmt(s.non2xx),
          fmt(s.unexpected),
        ]),
      ]),
    );
    const notes = summaries.filter((s) => s.note).map((s) => `  ${s.scenario}: ${s.note}`);
    if (notes.length) console.log(`\nnotes:\n${notes.join('\n')}`);
    if (rel.length) {
      console.log('\nrelative to GET /healthz:');
      for (const r of rel) {
        console.log(`  ${r.scenario.padEnd(14)} req/s x${fmt(r.requestsPerSecRatio, 2)}   p99 x${fmt(r.p99Ratio, 2)}`);
      }
    }
    console.log('\nerrors = connection errors and timeouts; unexpected = 2xx with a reply the step did not expect.');
  }
  const bad = summaries.some((s) => s.errors > 0 || s.non2xx > 0 || s.unexpected > 0);
  clearTimeout(watchdog);
  process.exit(bad ? 1 : 0);
}

// Run only as the entry point, so that other scripts (a cold-start bench, say) can import startTarget.
if (require.main === module) {
  void main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
