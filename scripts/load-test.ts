/**
 * `npm run load-test -- --url <base> [--duration s] [--connections n] [--max-error-rate r] [--max-p99 ms]`
 *
 * Load test of a running API (the local server, or a deployed stage; the pipeline runs it after
 * Staging deploys): a mix of GET /healthz and POST /account first turns, each turn from a new
 * user. Prints requests/s, latency percentiles (p50/p90/p99), errors and the error rate, then exits
 * 1 if the error rate or the p99 latency is above its threshold (naming which), 2 on bad arguments.
 * Bounded: it stops after --duration seconds or --max-requests requests, whichever comes first.
 */
import { type LoadTestOptions, parseOptions, UsageError, usage } from './load-test/options';
import { failedThresholds, formatReport } from './load-test/report';
import { preflight, runLoadTest, UnreachableError } from './load-test/run';

export async function main(argv: string[]): Promise<number> {
  let o: LoadTestOptions | 'help';
  try {
    o = parseOptions(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`load-test: ${err.message}\n\n${usage}`);
    return 2;
  }
  if (o === 'help') {
    console.log(usage);
    return 0;
  }
  try {
    const status = await preflight(o);
    if (status !== 200)
      console.error(
        `load-test: note: GET /healthz answered ${status} before the run${status === 404 ? " (is --url the API's base URL?)" : ''}`,
      );
  } catch (err) {
    if (!(err instanceof UnreachableError)) throw err;
    console.error(`load-test: FAIL: ${err.message}`);
    return 1;
  }
  const result = await runLoadTest(o);
  const failures = failedThresholds(result, o);
  if (o.json)
    console.log(
      JSON.stringify(
        { ...result, thresholds: { maxErrorRate: o.maxErrorRate, maxP99Ms: o.maxP99Ms }, failures, pass: failures.length === 0 },
        null,
        2,
      ),
    );
  else console.log(formatReport(result, o));
  for (const f of failures) console.error(`load-test: FAIL: ${f}`);
  if (!o.json) console.log(failures.length ? `FAIL (${failures.length} threshold${failures.length > 1 ? 's' : ''} exceeded)` : 'PASS');
  return failures.length ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      console.error('load-test:', err);
      process.exitCode = 1;
    },
  );
}
