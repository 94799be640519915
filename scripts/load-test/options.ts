import { parseArgs } from 'node:util';

/** What one load test run does, and the limits it is judged by. */
export interface LoadTestOptions {
  /** Base URL of the API (its path is kept: API Gateway stage URLs end in /<stage>/). */
  url: URL;
  durationSec: number;
  connections: number;
  /** Requests per second over all connections; undefined: as fast as the API answers. */
  rate?: number;
  /** Share of requests that are POST /account first turns (the rest are GET /healthz). */
  turnShare: number;
  /** Hard cap on requests sent, whatever the duration. */
  maxRequests: number;
  /** Seconds before one request counts as a timeout (an error). */
  timeoutSec: number;
  /** Fails the run above this share of failed requests (connection errors, non-2xx, wrong bodies). */
  maxErrorRate: number;
  /** Fails the run above this 99th percentile latency, in ms. */
  maxP99Ms: number;
  /** Sent as x-api-key when the API requires one. */
  apiKey?: string;
  json: boolean;
}

export const LIMITS = {
  durationSec: [1, 600],
  connections: [1, 200],
  rate: [1, 10_000],
  maxRequests: [1, 1_000_000],
  timeoutSec: [1, 60],
} as const;

export const usage = `Usage: npm run load-test -- --url <base URL> [options]

Sends a mix of GET /healthz and POST /account first turns (a new user each) to the API at
<base URL> (http or https, e.g. http://localhost:3000 or https://abc.execute-api.eu-west-1.amazonaws.com/prod/),
prints requests/s, latency percentiles and errors, and exits 1 when a threshold is exceeded.

  --url <base>             the API's base URL (required; env LOAD_TEST_URL)
  -d, --duration <s>       seconds to run (default 10, at most ${LIMITS.durationSec[1]})
  -c, --connections <n>    concurrent connections (default 10, at most ${LIMITS.connections[1]})
      --rate <req/s>       cap on requests per second over all connections (default: no cap)
      --turn-share <0..1>  share of POST /account first turns among requests (default 0.5)
      --max-requests <n>   stop after this many requests, whatever the duration (default 100000)
      --timeout <s>        a request slower than this is an error (default 10)
      --max-error-rate <r> fail above this share of failed requests, 0..1 (default 0.01)
      --max-p99 <ms>       fail above this p99 latency in ms (default 3000)
      --api-key <key>      sent as x-api-key (env LOAD_TEST_API_KEY), when the API requires one
      --json               print the figures as one JSON object instead of text
  -h, --help

Exit status: 0 within thresholds, 1 a threshold exceeded (or the API unreachable), 2 bad arguments.`;

/** A bad command line: the message says what is wrong; exit status 2. */
export class UsageError extends Error {}

/** The flags of the command line; what parseArgs refuses (an unknown flag, a missing value) is a UsageError. */
function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        url: { type: 'string' },
        duration: { type: 'string', short: 'd' },
        connections: { type: 'string', short: 'c' },
        rate: { type: 'string' },
        'turn-share': { type: 'string' },
        'max-requests': { type: 'string' },
        timeout: { type: 'string' },
        'max-error-rate': { type: 'string' },
        'max-p99': { type: 'string' },
        'api-key': { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): LoadTestOptions | 'help' {
  const values = parseCommandLine(argv);
  if (values.help) return 'help';
  const rate = values.rate === undefined ? undefined : number('--rate', values.rate, ...LIMITS.rate, false);
  return {
    url: baseUrl(values.url ?? env.LOAD_TEST_URL),
    durationSec: number('--duration', values.duration, ...LIMITS.durationSec, false, 10),
    connections: number('--connections', values.connections, ...LIMITS.connections, true, 10),
    ...(rate === undefined ? {} : { rate }),
    turnShare: number('--turn-share', values['turn-share'], 0, 1, false, 0.5),
    maxRequests: number('--max-requests', values['max-requests'], ...LIMITS.maxRequests, true, 100_000),
    timeoutSec: number('--timeout', values.timeout, ...LIMITS.timeoutSec, false, 10),
    maxErrorRate: number('--max-error-rate', values['max-error-rate'], 0, 1, false, 0.01),
    maxP99Ms: positive('--max-p99', values['max-p99'], 3000),
    ...((values['api-key'] ?? env.LOAD_TEST_API_KEY) ? { apiKey: values['api-key'] ?? env.LOAD_TEST_API_KEY } : {}),
    json: values.json,
  };
}

/** Only http(s) URLs, with a host; the path is the API's base path (see {@link apiBase}). */
export function baseUrl(raw: string | undefined): URL {
  if (!raw) throw new UsageError('--url is required: the base URL of the API, e.g. --url http://localhost:3000');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--url must be an http:// or https:// URL (got "${raw}")`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--url must be an http:// or https:// URL; "${url.protocol}" is not supported (got "${raw}")`);
  }
  if (url.username || url.password) throw new UsageError('--url must not carry credentials; use --api-key for an API key');
  url.search = '';
  url.hash = '';
  return url;
}

function number(name: string, raw: string | undefined, min: number, max: number, integer: boolean, fallback?: number): number {
  if (raw === undefined || raw === '') {
    if (fallback === undefined) throw new UsageError(`${name} needs a value`);
    return fallback;
  }
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new UsageError(`${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max} (got "${raw}")`);
  }
  return n;
}

function positive(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${name} must be a number above 0 (got "${raw}")`);
  return n;
}

/** The base URL without a trailing slash: `${apiBase(url)}/healthz` is the health route. */
export const apiBase = (url: URL): string => `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
