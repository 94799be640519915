import { parseArgs } from 'node:util';

export interface Options {
  durationSec: number;
  connections: number;
  warmupSec: number;
  scenarios: string[];
  /** Times the whole list of scenarios runs, in turn (A B C, A B C, ...); figures are the medians over rounds. */
  rounds: number;
  json: boolean;
  /** Delay of every call to the fake Slack Web API, in ms (Slack scenarios only). */
  slackLatencyMs: number;
  /** Pending requests made before slack-approve-click; undefined: sized from warm-up + duration. */
  approvePool?: number;
}

export const usage = (scenarios: readonly string[]) => `Usage: npm run bench -- [options]
  -d, --duration <s>        seconds measured per scenario (env BENCH_DURATION, default 10)
  -c, --connections <n>     concurrent connections (env BENCH_CONNECTIONS, default 10)
  -w, --warmup <s>          warm-up seconds before each scenario, not measured (env BENCH_WARMUP, default 2)
  -s, --scenarios <list>    comma-separated, from: ${scenarios.join(', ')}
                            (default: all)
  -r, --rounds <n>          run the list n times in turn and report the medians, with each round's
                            ratios to the baseline (env BENCH_ROUNDS, default 1): drift on a shared
                            machine then falls on baseline and scenario alike
      --slack-latency <ms>  delay of each call to the fake Slack Web API (env BENCH_SLACK_LATENCY, default 0)
      --approve-pool <n>    pending requests created before slack-approve-click (env BENCH_APPROVE_POOL;
                            default: enough for warm-up + duration at ${APPROVE_RATE_GUESS} clicks/s, at most ${APPROVE_POOL_MAX})
      --json                print the figures as JSON instead of a table
  -h, --help`;

/** What slack-approve-click sizes its pool for by default (clicks/s), and the cap on that pool. */
export const APPROVE_RATE_GUESS = 900;
export const APPROVE_POOL_MAX = 20_000;

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv, known: readonly string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string', short: 'd' },
      connections: { type: 'string', short: 'c' },
      warmup: { type: 'string', short: 'w' },
      scenarios: { type: 'string', short: 's' },
      rounds: { type: 'string', short: 'r' },
      'slack-latency': { type: 'string' },
      'approve-pool': { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(usage(known));
    process.exit(0);
  }
  const scenarios = (values.scenarios ?? known.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = scenarios.filter((s) => !known.includes(s));
  if (unknown.length || !scenarios.length) throw new Error(`Unknown scenario ${unknown.join(', ')}; choose from ${known.join(', ')}`);
  const pool = values['approve-pool'] ?? env.BENCH_APPROVE_POOL;
  return {
    durationSec: number('duration', values.duration ?? env.BENCH_DURATION, 10, 1, 600, false),
    connections: number('connections', values.connections ?? env.BENCH_CONNECTIONS, 10, 1, 1000, true),
    warmupSec: number('warmup', values.warmup ?? env.BENCH_WARMUP, 2, 0, 60, false),
    scenarios,
    rounds: number('rounds', values.rounds ?? env.BENCH_ROUNDS, 1, 1, 20, true),
    json: values.json,
    slackLatencyMs: number('slack-latency', values['slack-latency'] ?? env.BENCH_SLACK_LATENCY, 0, 0, 2_500, true),
    ...(pool ? { approvePool: number('approve-pool', pool, 0, 1, APPROVE_POOL_MAX * 5, true) } : {}),
  };
}

function number(name: string, raw: string | undefined, fallback: number, min: number, max: number, integer: boolean): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new Error(`${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max} (got "${raw}")`);
  }
  return n;
}
