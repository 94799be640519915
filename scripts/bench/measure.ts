import autocannon from 'autocannon';
import type { FakeSlackProcess } from '../fake-slack-api';
import type { Options } from './options';
import type { Target } from './target';

export interface Measurement {
  scenario: string;
  title: string;
  result: autocannon.Result;
  /** 2xx answers whose body was not what the step expects (a turn not recognised, say). */
  unexpected: number;
  /** What one "request" is, when it is not obvious. */
  note?: string;
  /** Calls the app made to the fake Slack Web API while measuring, per measured request. */
  slackCallsPerRequest?: Record<string, number>;
  /** Further facts about the run (a pool that ran out, say). */
  remarks?: string[];
  /**
   * CPU time the server used per measured request (effects running meanwhile included), in ms:
   * what a request costs the server whatever else runs on the machine, unlike req/s on shared CPUs.
   */
  serverCpuMsPerRequest?: number;
}

export type Check = { unexpected: number };

export interface MeasureSpec {
  scenario: string;
  title: string;
  /** autocannon takes the path from the url (a top-level `path` option is ignored). */
  path: string;
  build: (check: Check) => Omit<autocannon.Options, 'url' | 'duration' | 'connections'>;
  note?: string;
  /** When set, the Slack Web API calls made during the measured run are counted. */
  slack?: FakeSlackProcess;
}

/** Warms up (not recorded), then measures one autocannon run against `target`. */
export async function measure(target: Target, o: Options, spec: MeasureSpec): Promise<Measurement> {
  const run = (durationSec: number, check: Check) =>
    autocannon({
      url: `${target.baseUrl}${spec.path}`,
      connections: o.connections,
      duration: durationSec,
      timeout: 10,
      ...spec.build(check),
    });
  if (o.warmupSec > 0) await run(o.warmupSec, { unexpected: 0 });
  const check: Check = { unexpected: 0 };
  const before = await spec.slack?.stats();
  const cpuBefore = target.cpuMs();
  const result = await run(o.durationSec, check);
  const cpuAfter = target.cpuMs();
  const after = await spec.slack?.stats();
  const measurement: Measurement = { scenario: spec.scenario, title: spec.title, result, unexpected: check.unexpected, note: spec.note };
  if (cpuBefore !== undefined && cpuAfter !== undefined && result.requests.total > 0) {
    measurement.serverCpuMsPerRequest = (cpuAfter - cpuBefore) / result.requests.total;
  }
  if (before && after && result.requests.total > 0) {
    measurement.slackCallsPerRequest = Object.fromEntries(
      Object.entries(after.calls)
        .map(([method, n]) => [method, (n - (before.calls[method] ?? 0)) / result.requests.total] as const)
        .filter(([, perRequest]) => perRequest > 0),
    );
  }
  return measurement;
}
