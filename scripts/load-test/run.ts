import autocannon from 'autocannon';
import { apiBase, type LoadTestOptions } from './options';

/** What each kind of request got back. */
export interface RouteStats {
  /** Responses received (any status). */
  responses: number;
  non2xx: number;
  /** 2xx answers whose body is not what the route promises (a healthz without "ok", a turn not recognised). */
  unexpected: number;
}

export interface LoadTestResult {
  url: string;
  durationSec: number;
  connections: number;
  rate?: number;
  turnShare: number;
  /** Responses received, and per second over the run. */
  completed: number;
  requestsPerSec: number;
  sent: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; average: number };
  routes: { healthz: RouteStats; turn: RouteStats };
  /** Connection errors, timeouts included (autocannon counts timeouts as errors). */
  errors: number;
  timeouts: number;
  non2xx: number;
  unexpected: number;
  /** errors + non2xx + unexpected, over every request that ended (answered or failed). */
  failed: number;
  errorRate: number;
  statusCodes: Record<string, number>;
  /** Why the run ended: its duration, the request cap, or the watchdog (the run overran). */
  stoppedBy: 'duration' | 'max-requests' | 'watchdog';
}

/** The API could not be reached at all before the run (wrong URL, DNS, refused, TLS). */
export class UnreachableError extends Error {}

/** GET <base>/healthz once, so that a wrong URL fails fast with the reason instead of a run full of errors. */
export async function preflight(o: LoadTestOptions): Promise<number> {
  const url = `${apiBase(o.url)}/healthz`;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(o.timeoutSec * 1000), headers: o.apiKey ? { 'x-api-key': o.apiKey } : {} });
    await res.arrayBuffer();
    return res.status;
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new UnreachableError(`Cannot reach ${url}: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
  }
}

/**
 * Which requests a connection sends, in order: `turnShare` of them POST /account, spread evenly
 * (share 0.5: healthz, turn, healthz, turn...). Each connection loops over this list.
 */
export function requestPattern(turnShare: number, length = 10): Array<'healthz' | 'turn'> {
  return Array.from({ length }, (_, i) => (Math.floor((i + 1) * turnShare) > Math.floor(i * turnShare) ? 'turn' : 'healthz'));
}

const bodyField = (body: string, field: string): unknown => {
  try {
    return (JSON.parse(body) as Record<string, unknown>)[field];
  } catch {
    return undefined;
  }
};

/** Runs autocannon against the API; bounded by the duration, the request cap and a watchdog. */
export async function runLoadTest(o: LoadTestOptions): Promise<LoadTestResult> {
  const base = apiBase(o.url);
  const basePath = new URL(base).pathname.replace(/\/+$/, '');
  const runTag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  let seq = 0;
  const routes = { healthz: { responses: 0, non2xx: 0, unexpected: 0 }, turn: { responses: 0, non2xx: 0, unexpected: 0 } };
  const count = (route: RouteStats, status: number, expected: boolean) => {
    route.responses++;
    if (status < 200 || status > 299) route.non2xx++;
    else if (!expected) route.unexpected++;
  };
  const auth: Record<string, string> = o.apiKey ? { 'x-api-key': o.apiKey } : {};
  const requests: autocannon.Request[] = requestPattern(o.turnShare).map((kind) =>
    kind === 'healthz'
      ? {
          method: 'GET',
          path: `${basePath}/healthz`,
          headers: { ...auth },
          onResponse: (status: number, body: string) => count(routes.healthz, status, bodyField(body, 'status') === 'ok'),
        }
      : {
          method: 'POST',
          path: `${basePath}/account`,
          headers: { ...auth, 'content-type': 'application/json' },
          // A new user each time: the first turn of a new conversation (the 2021 opening line).
          setupRequest: (req: autocannon.Request) => {
            const n = ++seq;
            return {
              ...req,
              body: JSON.stringify({
                UserEmail: `load-${runTag}-${n}@example.com`,
                UserName: `Load${n}`,
                UserLastname: 'Test',
                UserInput: 'Hi, I would like a new account please!',
              }),
            };
          },
          onResponse: (status: number, body: string) => count(routes.turn, status, bodyField(body, 'state') === 'ElicitSlot'),
        },
  );

  let watchdogFired = false;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: base,
        connections: o.connections,
        duration: o.durationSec,
        timeout: o.timeoutSec,
        maxOverallRequests: Math.max(o.maxRequests, o.connections),
        ...(o.rate ? { overallRate: o.rate } : {}),
        requests,
      },
      (err, res) => {
        clearTimeout(watchdog);
        process.removeListener('SIGINT', stop);
        process.removeListener('SIGTERM', stop);
        if (err) reject(err);
        else resolve(res);
      },
    );
    const stop = () => instance.stop();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    // autocannon stops by itself after the duration; this only guards against a run that overruns.
    const watchdog = setTimeout(
      () => {
        watchdogFired = true;
        instance.stop();
      },
      (o.durationSec + o.timeoutSec + 10) * 1000,
    );
  });

  const codes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) codes[code] = Number((stat as { count: number | string }).count);
  const completed = result.requests.total;
  const unexpected = routes.healthz.unexpected + routes.turn.unexpected;
  const failed = result.errors + result.non2xx + unexpected;
  const ended = completed + result.errors;
  return {
    url: base,
    durationSec: result.duration,
    connections: o.connections,
    ...(o.rate ? { rate: o.rate } : {}),
    turnShare: o.turnShare,
    completed,
    requestsPerSec: result.duration > 0 ? completed / result.duration : 0,
    sent: (result.requests as { sent?: number }).sent ?? ended,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
      average: result.latency.average,
    },
    routes,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    unexpected,
    failed,
    errorRate: ended > 0 ? failed / ended : 1,
    statusCodes: codes,
    stoppedBy: watchdogFired ? 'watchdog' : ended >= o.maxRequests ? 'max-requests' : 'duration',
  };
}
