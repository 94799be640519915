import type { LoadTestOptions } from './options';
import type { LoadTestResult } from './run';

/** Each threshold the run exceeded, said in words that name the option. Empty: the run passed. */
export function failedThresholds(r: LoadTestResult, o: Pick<LoadTestOptions, 'maxErrorRate' | 'maxP99Ms'>): string[] {
  const failures: string[] = [];
  if (r.completed + r.errors === 0) failures.push('no request completed');
  if (r.errorRate > o.maxErrorRate)
    failures.push(`error rate ${pct(r.errorRate)} is above --max-error-rate ${o.maxErrorRate} (${pct(o.maxErrorRate)})`);
  if (r.completed > 0 && r.latencyMs.p99 > o.maxP99Ms)
    failures.push(`p99 latency ${ms(r.latencyMs.p99)} is above --max-p99 ${o.maxP99Ms} ms`);
  return failures;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => `${Number.isInteger(n) ? n : n.toFixed(1)} ms`;
const pct = (r: number) => `${(r * 100).toFixed(2)}%`;

/** The run as a few lines of text. */
export function formatReport(r: LoadTestResult, o: LoadTestOptions): string {
  const mix = `${Math.round(r.turnShare * 100)}% POST /account first turns, ${Math.round((1 - r.turnShare) * 100)}% GET /healthz`;
  const limit = r.rate ? `at most ${r.rate} req/s` : 'no rate cap';
  const stopped = {
    duration: '',
    'max-requests': ` (stopped at --max-requests ${o.maxRequests})`,
    watchdog: ' (stopped by the watchdog: the run overran)',
  }[r.stoppedBy];
  const codes = Object.entries(r.statusCodes)
    .map(([code, n]) => `${code}: ${int(n)}`)
    .join(', ');
  return [
    `Load test of ${r.url}: ${r.durationSec.toFixed(1)} s, ${r.connections} connections, ${limit}, ${mix}${stopped}`,
    `  requests/s    ${r.requestsPerSec.toFixed(1)}  (${int(r.completed)} answered: ${int(r.routes.healthz.responses)} GET /healthz, ${int(r.routes.turn.responses)} POST /account)`,
    `  latency       p50 ${ms(r.latencyMs.p50)}, p90 ${ms(r.latencyMs.p90)}, p99 ${ms(r.latencyMs.p99)}, max ${ms(r.latencyMs.max)}, mean ${ms(Number(r.latencyMs.average.toFixed(1)))}`,
    `  status codes  ${codes || 'none'}`,
    `  errors        ${int(r.errors)} connection errors (${int(r.timeouts)} timeouts), ${int(r.non2xx)} non-2xx, ${int(r.unexpected)} unexpected 2xx bodies`,
    `  error rate    ${pct(r.errorRate)}  (limit ${pct(o.maxErrorRate)})`,
    `  p99 latency   ${ms(r.latencyMs.p99)}  (limit ${o.maxP99Ms} ms)`,
  ].join('\n');
}
