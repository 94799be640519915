/**
 * `npm run bench`: load figures for the REST and Slack doors, measured against the real app.
 *
 *   npm run bench                              # every scenario, 10 s each, 10 connections
 *   npm run bench -- -d 5 -c 50                # shorter, more connections
 *   npm run bench -- -s healthz,first-turn     # some scenarios only
 *   npm run bench -- -s healthz,slack-command,slack-approve-click --slack-latency 100
 *   npm run bench -- -c 50 -s healthz,first-turn,conversation,bare-bolt-command,slack-command,slack-approve-click
 *   npm run bench -- -c 50 -d 6 -r 5 -s healthz,first-turn,conversation   # five rounds in turn, medians
 *   npm run bench -- --json                    # figures as JSON (for comparing runs)
 *   BENCH_DURATION=5 BENCH_CONNECTIONS=20 npm run bench
 *   BENCH_CPU_PROF=/tmp/prof npm run bench -- -s slack-command   # a CPU profile of each server (node --cpu-prof)
 *
 * The app runs in a child process (scripts/bench-server.ts: the composition root with a temporary
 * data dir, logging off, on 127.0.0.1), so autocannon's load generation does not share its event
 * loop. Each scenario warms up briefly, then measures for the given duration; everything is
 * bounded and the script exits by itself.
 *
 * Slack scenarios (slack-*) measure Slack's acknowledgement: signed requests (v0 HMAC, timestamped
 * per request; verification stays on) to POST /slack/events. For them the bench first starts a
 * loopback fake of the Slack Web API (scripts/fake-slack-api.ts, its own child process, every call
 * delayed by --slack-latency ms) and points the app at it with SLACK_API_URL; one app with the
 * Slack door on serves all slack-* scenarios. slack-approve-click first files a pool of pending
 * requests through signed modal submissions and learns their ids from the approval messages the
 * app posts to the fake.
 *
 * Modules: scripts/bench/ (options, target, measure, report; rest-, slack-scenarios and the Slack
 * wire format). Adding a scenario: write a function `(target, options, ctx) => Promise<Measurement>`
 * (most use `measure()`), add it to SCENARIOS in scripts/bench/scenarios.ts. A scenario that needs
 * its own app configuration sets `env`; one that manages its own processes (cold start) can call
 * `startTarget()` itself.
 */

import type { Measurement } from './bench/measure';
import { type Options, parseOptions, usage } from './bench/options';
import { fmt, machine, medians, printReport, ratios, summarise, targets as targetsMet } from './bench/report';
import { type RunContext, SCENARIOS } from './bench/scenarios';
import { startTarget, type Target } from './bench/target';
import { type FakeSlackProcess, startFakeSlackProcess } from './fake-slack-api';

export type { Measurement } from './bench/measure';
export { startTarget, type Target } from './bench/target';

async function main(): Promise<void> {
  const names = Object.keys(SCENARIOS);
  let o: Options;
  try {
    o = parseOptions(process.argv.slice(2), process.env, names);
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${usage(names)}`);
    process.exit(2);
  }
  const selected = o.scenarios.map((name) => ({ name, ...SCENARIOS[name] }));

  // A hard bound, whatever happens: every scenario's set-up, warm-up and run, plus app starts and slack.
  const setupSec = selected.reduce((sum, s) => sum + (s.setupBoundSec?.(o) ?? 0), 0);
  const boundMs = (o.rounds * (o.scenarios.length * (o.warmupSec + o.durationSec + 15) + setupSec) + 90) * 1000;
  const targets = new Map<string, Target>();
  let slack: FakeSlackProcess | undefined;
  const stopAll = async () => {
    await Promise.all([...targets.values()].map((t) => t.stop().catch(() => undefined)));
    await slack?.stop().catch(() => undefined);
  };
  const watchdog = setTimeout(() => {
    console.error(`bench: still running after ${boundMs / 1000} s; stopping`);
    void stopAll().finally(() => process.exit(3));
  }, boundMs);
  watchdog.unref();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void stopAll().finally(() => process.exit(130)));
  }

  const command = `tsx scripts/bench.ts ${process.argv.slice(2).join(' ')}`.trim();
  const needsSlack = selected.some((s) => s.needsSlack);
  const effective =
    `duration ${o.durationSec} s, warm-up ${o.warmupSec} s, connections ${o.connections}, pipelining 1, scenarios ${o.scenarios.join(',')}, rounds ${o.rounds}` +
    (needsSlack ? `, slack latency ${o.slackLatencyMs} ms` : '');
  const m = machine();
  const log = (s: string) => (o.json ? process.stderr.write(`${s}\n`) : console.log(s));
  log(`command: ${command}\n         (${effective})`);
  log(`machine: node ${m.node}, ${m.cpus} CPUs (${m.cpuModel}), ${m.os}, ${m.memoryGiB} GiB`);
  log(
    'app:     child process, embedded store/dialog/outbox, sandbox factory, 127.0.0.1, LOG_LEVEL=silent (load generator and app share the CPUs)',
  );

  const rounds: Measurement[][] = [];
  try {
    if (needsSlack) {
      slack = await startFakeSlackProcess(o.slackLatencyMs);
      log(`slack:   fake Web API (child process) at ${slack.apiUrl}, ${o.slackLatencyMs} ms latency per call (--slack-latency)`);
    }
    const ctx: RunContext = { slack, log };
    for (let round = 1; round <= o.rounds; round++) {
      const results: Measurement[] = [];
      rounds.push(results);
      for (const scenario of selected) {
        const env = scenario.env?.(ctx) ?? {};
        const server = scenario.server ?? 'app';
        const key = JSON.stringify({ server, env });
        let target = targets.get(key);
        if (!target) {
          target = await startTarget(env, undefined, server);
          targets.set(key, target);
          log(
            `         ${server === 'app' ? 'app' : 'bare Bolt app'} ready in ${fmt(target.readyMs)} ms from spawn (${fmt(target.startupMs)} ms to build and listen)${server === 'app' && scenario.needsSlack ? ', Slack door on' : ''}`,
          );
        }
        log(
          `running ${scenario.name}${o.rounds > 1 ? ` (round ${round} of ${o.rounds})` : ''}: ${o.warmupSec} s warm-up + ${o.durationSec} s ...`,
        );
        results.push(await scenario.run(target, o, ctx));
      }
    }
  } finally {
    await stopAll();
  }

  const perRound = rounds.map((results) => results.map(summarise));
  const summaries = medians(perRound);
  if (o.json) {
    const options = { ...o, slackLatencyMs: needsSlack ? o.slackLatencyMs : undefined };
    console.log(
      JSON.stringify(
        {
          command,
          options,
          machine: m,
          results: summaries,
          ...(o.rounds > 1 ? { rounds: perRound } : {}),
          ratiosToHealthz: ratios(summaries),
          ratiosToBareBolt: ratios(summaries, 'bare-bolt-command', (s) => s.startsWith('slack-')),
          targets: targetsMet(summaries),
        },
        null,
        2,
      ),
    );
  } else {
    printReport(summaries, needsSlack ? o.slackLatencyMs : undefined, perRound);
  }
  const bad = perRound.flat().some((s) => s.errors > 0 || s.non2xx > 0 || s.unexpected > 0);
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
