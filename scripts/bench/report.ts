import { cpus, platform, release, totalmem } from 'node:os';
import type { Measurement } from './measure';

const fmt = (n: number, digits = 0) =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '-';

export { fmt };

export type Summary = ReturnType<typeof summarise>;

export function summarise(m: Measurement) {
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
    ...(m.slackCallsPerRequest ? { slackCallsPerRequest: m.slackCallsPerRequest } : {}),
    ...(m.remarks?.length ? { remarks: m.remarks } : {}),
    ...(m.serverCpuMsPerRequest !== undefined ? { serverCpuMsPerRequest: m.serverCpuMsPerRequest } : {}),
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** One summary per scenario from several rounds: each figure the median of the rounds' (counts summed). */
export function medians(perRound: Summary[][]): Summary[] {
  if (perRound.length === 1) return perRound[0];
  const counts = new Set(['requests', 'errors', 'timeouts', 'non2xx', 'unexpected']);
  return perRound[0].map((first, i) => {
    const all = perRound.map((round) => round[i]);
    const out: Record<string, unknown> = { ...first };
    for (const [key, value] of Object.entries(first)) {
      if (typeof value !== 'number') continue;
      const xs = all.map((s) => (s as Record<string, unknown>)[key] as number);
      out[key] = counts.has(key) ? xs.reduce((a, b) => a + b, 0) : median(xs);
    }
    return out as Summary;
  });
}

export function machine() {
  const cpu = cpus();
  return {
    node: process.version,
    cpus: cpu.length,
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    os: `${platform()} ${release()}`,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
  };
}

/** Baselines: GET /healthz of the app; the bare Bolt app for the Slack scenarios. */
const BASELINES = ['healthz', 'bare-bolt-command'];

export function ratios(summaries: Summary[], baseline = 'healthz', only: (scenario: string) => boolean = () => true) {
  const base = summaries.find((s) => s.scenario === baseline);
  if (!base) return [];
  return summaries
    .filter((s) => !BASELINES.includes(s.scenario) && only(s.scenario))
    .map((s) => ({
      scenario: s.scenario,
      requestsPerSecRatio: s.requestsPerSec / base.requestsPerSec,
      p50Ratio: s.latencyP50Ms / base.latencyP50Ms,
      p99Ratio: s.latencyP99Ms / base.latencyP99Ms,
      cpuRatio:
        s.serverCpuMsPerRequest !== undefined && base.serverCpuMsPerRequest
          ? s.serverCpuMsPerRequest / base.serverCpuMsPerRequest
          : undefined,
    }));
}

const cpuWords = (r: { cpuRatio?: number }) => (r.cpuRatio !== undefined ? `   server CPU/request x${fmt(r.cpuRatio, 2)}` : '');

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

/** The human-readable report: the table, notes, Slack calls, ratios to the baseline. */
export function printReport(summaries: Summary[], slackLatencyMs?: number, perRound: Summary[][] = [summaries]): void {
  console.log('');
  console.log(
    table([
      ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'server CPU µs/req', 'requests', 'errors', 'non-2xx', 'unexpected'],
      ...summaries.map((s) => [
        s.title,
        fmt(s.requestsPerSec),
        fmt(s.latencyP50Ms),
        fmt(s.latencyP99Ms),
        fmt(s.latencyMaxMs),
        s.serverCpuMsPerRequest !== undefined ? fmt(s.serverCpuMsPerRequest * 1000) : '-',
        fmt(s.requests),
        fmt(s.errors),
        fmt(s.non2xx),
        fmt(s.unexpected),
      ]),
    ]),
  );
  const notes = summaries.flatMap((s) => [...(s.note ? [s.note] : []), ...(s.remarks ?? [])].map((n) => `  ${s.scenario}: ${n}`));
  if (notes.length) console.log(`\nnotes:\n${notes.join('\n')}`);
  const calls = summaries.flatMap((s) => (s.slackCallsPerRequest ? [{ scenario: s.scenario, perRequest: s.slackCallsPerRequest }] : []));
  if (calls.length) {
    console.log(
      `\nSlack Web API calls per measured request (fake API, ${slackLatencyMs ?? 0} ms per call; includes effects running meanwhile):`,
    );
    for (const s of calls) {
      const list = Object.entries(s.perRequest)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([method, n]) => `${method} ${fmt(n, 2)}`);
      console.log(`  ${s.scenario.padEnd(22)} ${list.join(', ') || 'none'}`);
    }
  }
  const relative = (heading: string, baseline: string, only?: (scenario: string) => boolean) => {
    const rel = ratios(summaries, baseline, only);
    if (!rel.length) return;
    console.log(`\n${heading}${perRound.length > 1 ? ' (medians over rounds; then req/s ratio in each round)' : ''}:`);
    const rounds = perRound.map((round) => ratios(round, baseline, only));
    for (const r of rel) {
      const each =
        perRound.length > 1
          ? `   rounds ${rounds.map((rs) => `x${fmt(rs.find((x) => x.scenario === r.scenario)?.requestsPerSecRatio ?? Number.NaN, 2)}`).join(' ')}`
          : '';
      console.log(
        `  ${r.scenario.padEnd(22)} req/s x${fmt(r.requestsPerSecRatio, 2)}   p50 x${fmt(r.p50Ratio, 2)}   p99 x${fmt(r.p99Ratio, 2)}${cpuWords(r)}${each}`,
      );
    }
  };
  relative('relative to GET /healthz', 'healthz');
  relative('relative to the bare Bolt app (/vend-account: users.info + views.open, same fake Web API)', 'bare-bolt-command', (s) =>
    s.startsWith('slack-'),
  );
  const goals = targets(summaries, perRound);
  if (goals.length) {
    console.log('\ntargets (issue 14):');
    for (const g of goals) console.log(`  ${g.met ? 'met   ' : 'MISSED'} ${g.target}: ${g.measured}`);
  }
  console.log('\nerrors = connection errors and timeouts; unexpected = 2xx with a reply the step did not expect.');
}

/**
 * The targets of issue 14, each checked when its scenarios (and baseline) ran: a throughput ratio is
 * the median of the rounds' ratios (each round's scenario against that round's baseline).
 */
export function targets(
  summaries: Summary[],
  perRound: Summary[][] = [summaries],
): Array<{ target: string; measured: string; met: boolean }> {
  const by = (name: string, from = summaries) => from.find((s) => s.scenario === name);
  const out: Array<{ target: string; measured: string; met: boolean }> = [];
  const throughput = (name: string, baseline: string, min: number, maxP99?: number) => {
    const s = by(name);
    if (!s || !by(baseline)) return;
    const ratio = median(perRound.map((round) => (by(name, round)?.requestsPerSec ?? 0) / (by(baseline, round)?.requestsPerSec ?? 1)));
    out.push({
      target: `${name} >= x${min} ${baseline} req/s${maxP99 ? `, p99 <= ${maxP99} ms` : ''}`,
      measured: `x${fmt(ratio, 3)}, p99 ${fmt(s.latencyP99Ms)} ms`,
      met: ratio >= min && (maxP99 === undefined || s.latencyP99Ms <= maxP99),
    });
  };
  throughput('first-turn', 'healthz', 0.5, 50);
  throughput('conversation', 'healthz', 0.3);
  throughput('slack-command', 'bare-bolt-command', 0.8, 300);
  const click = by('slack-approve-click');
  if (click) {
    out.push({
      target: 'slack-approve-click p99 <= 300 ms',
      measured: `p99 ${fmt(click.latencyP99Ms)} ms`,
      met: click.latencyP99Ms <= 300,
    });
  }
  return out;
}
