import type { FakeSlackProcess } from '../fake-slack-api';
import type { Measurement } from './measure';
import type { Options } from './options';
import { conversation, firstTurn, healthz } from './rest-scenarios';
import { approveSetupBoundSec, bareBoltCommand, slackApproveClick, slackCommand, slackCommandStatus } from './slack-scenarios';
import { slackAppEnv } from './slack-wire';
import type { ServerName, Target } from './target';

/** What a scenario gets besides its app: the fake Slack Web API when it needs one. */
export interface RunContext {
  slack?: FakeSlackProcess;
  log(line: string): void;
}

export interface Scenario {
  run: (target: Target, o: Options, ctx: RunContext) => Promise<Measurement>;
  /** App settings this scenario needs; scenarios with the same env share one app. */
  env?: (ctx: RunContext) => Record<string, string>;
  /** Whether the bench must start the fake Slack Web API (before the app) for this scenario. */
  needsSlack?: boolean;
  /** Which server it measures: the app (default) or the bare Bolt app (a baseline). */
  server?: ServerName;
  /** Seconds of set-up beyond warm-up + duration, for the bench's overall time bound. */
  setupBoundSec?: (o: Options) => number;
}

const withSlack = (ctx: RunContext) => {
  if (!ctx.slack) throw new Error('This scenario needs the fake Slack Web API');
  return { slack: ctx.slack, log: ctx.log };
};

const slackScenario = (run: typeof slackCommand, extra: Partial<Scenario> = {}): Scenario => ({
  run: (target, o, ctx) => run(target, o, withSlack(ctx)),
  env: (ctx) => slackAppEnv(withSlack(ctx).slack.apiUrl),
  needsSlack: true,
  ...extra,
});

/** Every scenario, in the order they run. */
export const SCENARIOS: Record<string, Scenario> = {
  healthz: { run: healthz },
  'first-turn': { run: firstTurn },
  conversation: { run: conversation },
  'bare-bolt-command': slackScenario(bareBoltCommand, { server: 'bare-bolt' }),
  'slack-command': slackScenario(slackCommand),
  'slack-command-status': slackScenario(slackCommandStatus),
  'slack-approve-click': slackScenario(slackApproveClick, { setupBoundSec: approveSetupBoundSec }),
};
