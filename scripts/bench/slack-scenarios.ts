import autocannon from 'autocannon';
import type { ApprovalPost, FakeSlackProcess } from '../fake-slack-api';
import { type Measurement, measure } from './measure';
import { APPROVE_POOL_MAX, APPROVE_RATE_GUESS, type Options } from './options';
import { APPROVER, approveClickBody, newUserId, requestModalSubmissionBody, signed, slashCommandBody } from './slack-wire';
import type { Target } from './target';

/**
 * Slack acknowledgement latency: signed requests to POST /slack/events, answered by Bolt
 * (processBeforeResponse: the HTTP answer, i.e. Slack's ack, leaves when the listener is done,
 * Web API calls to the fake Slack included). Slack wants the ack within 3 s.
 */

export interface SlackRun {
  slack: FakeSlackProcess;
  log(line: string): void;
}

const EVENTS = '/slack/events';
/** A 200 whose body is not the empty ack Bolt sends for `ack()` without a message. */
const notEmptyAck = (status: number, body: string) => status === 200 && body !== '';

/** /vend-account with no text: each request a new user, so users.info (not cached yet) + views.open. */
export function slackCommand(target: Target, o: Options, run: SlackRun): Promise<Measurement> {
  return vendAccountCommand(target, o, run, {
    scenario: 'slack-command',
    title: 'Slack /vend-account (opens modal), new user each',
    note: 'ack after users.info (first use of each user) + store lookup + views.open; expects 200 with an empty body',
  });
}

/** The same requests to the bare Bolt app (scripts/bench/bare-bolt-server.ts): users.info + views.open, nothing else. */
export function bareBoltCommand(target: Target, o: Options, run: SlackRun): Promise<Measurement> {
  return vendAccountCommand(target, o, run, {
    scenario: 'bare-bolt-command',
    title: 'bare Bolt app, /vend-account (baseline)',
    note: 'a bare Bolt App (ExpressReceiver, processBeforeResponse): users.info + views.open, then ack; the baseline of slack-command',
  });
}

function vendAccountCommand(
  target: Target,
  o: Options,
  run: SlackRun,
  what: { scenario: string; title: string; note: string },
): Promise<Measurement> {
  return measure(target, o, {
    ...what,
    path: EVENTS,
    slack: run.slack,
    build: (check) => ({
      method: 'POST',
      requests: [
        {
          setupRequest: (req) => signed(req, slashCommandBody(newUserId(), '')),
          onResponse: (status, body) => {
            if (notEmptyAck(status, body)) check.unexpected++;
          },
        },
      ],
    }),
  });
}

/** /vend-account status from a pool of 200 users: cached profile + requester's requests query. */
export function slackCommandStatus(target: Target, o: Options, run: SlackRun): Promise<Measurement> {
  const users = Array.from({ length: 200 }, newUserId);
  let i = 0;
  return measure(target, o, {
    scenario: 'slack-command-status',
    title: 'Slack /vend-account status, 200 users',
    path: EVENTS,
    slack: run.slack,
    note: 'ephemeral answer in the ack; users.info once per user (warm-up), then cached',
    build: (check) => ({
      method: 'POST',
      requests: [
        {
          setupRequest: (req) => signed(req, slashCommandBody(users[i++ % users.length], 'status')),
          onResponse: (status, body) => {
            if (status === 200 && !body.includes('"response_type":"ephemeral"')) check.unexpected++;
          },
        },
      ],
    }),
  });
}

/** How many pending requests slack-approve-click prepares, and how long that may take (s). */
export const approvePoolSize = (o: Options) =>
  o.approvePool ?? Math.min(APPROVE_POOL_MAX, Math.ceil((o.warmupSec + o.durationSec) * APPROVE_RATE_GUESS));
/** Filing runs at ~470/s on a 2-CPU machine (native store; ~30/s on the embedded DynamoDB server); the bound allows 20/s, plus 60 s for the approval posts. */
export const approveSetupBoundSec = (o: Options) => 30 + Math.ceil(approvePoolSize(o) / 20) + 60;

/**
 * Approve clicks: first files `approvePoolSize` requests through signed request-modal submissions
 * (distinct users), learns their ids from the approval messages posted to the fake Slack, then
 * measures clicks on Approve by an approver, each on a different pending request. Clicks beyond the
 * pool go to requests already decided (the app then answers the clicker with an ephemeral).
 */
export async function slackApproveClick(target: Target, o: Options, run: SlackRun): Promise<Measurement> {
  const posts = await preparePendingRequests(target, o, run);
  let next = 0;
  /** Where each run (warm-up, then the measured one) started in the pool. */
  const starts: number[] = [];
  const measurement = await measure(target, o, {
    scenario: 'slack-approve-click',
    title: 'Slack Approve click (block_actions), approver',
    path: EVENTS,
    slack: run.slack,
    note: `ack after users.info (cached) + store read + compare-and-set; pool of ${posts.length} pending requests`,
    build: (check) => {
      starts.push(next);
      return {
        method: 'POST',
        requests: [
          {
            // Each click takes the next request of the pool; past its end, requests already decided.
            setupRequest: (req) => signed(req, approveClickBody(APPROVER, posts[next++ % posts.length])),
            onResponse: (status, body) => {
              if (notEmptyAck(status, body)) check.unexpected++;
            },
          },
        ],
      };
    },
  });
  // autocannon builds each connection's next request before sending it, so up to one click per
  // connection and run is built but never sent: the split below is exact to within `connections`.
  const sent = measurement.result.requests.total;
  const measuredFrom = starts.at(-1);
  if (measuredFrom === undefined) throw new Error('slack-approve-click: the measurement built no run, so no click was counted');
  const fresh = Math.min(sent, Math.max(0, posts.length - measuredFrom));
  const warm = starts.length > 1 ? `warm-up sent ${starts[1]} clicks, ` : '';
  measurement.remarks = [
    `${posts.length} pending requests prepared; ${warm}measured run: ${fresh} clicks on pending requests` +
      (sent > fresh
        ? `, ${sent - fresh} on already-decided ones (pool ran out; the app tells the clicker with an ephemeral)`
        : ' (pool not exhausted)'),
  ];
  return measurement;
}

/** Across runs (--rounds): each pool request asks for an account of its own (one open request per account e-mail). */
let poolSeq = 0;

async function preparePendingRequests(target: Target, o: Options, run: SlackRun): Promise<ApprovalPost[]> {
  const wanted = approvePoolSize(o);
  const already = (await run.slack.stats(true)).approvals?.length ?? 0;
  const started = performance.now();
  let bad = 0;
  const result = await autocannon({
    url: `${target.baseUrl}${EVENTS}`,
    connections: Math.min(o.connections, wanted),
    maxOverallRequests: wanted,
    duration: approveSetupBoundSec(o) - 60,
    timeout: 10,
    method: 'POST',
    requests: [
      {
        setupRequest: (req) => signed(req, requestModalSubmissionBody(newUserId(), `bench-pool-${++poolSeq}`)),
        onResponse: (status, body) => {
          if (notEmptyAck(status, body)) bad++;
        },
      },
    ],
  });
  const filed = result.requests.total - result.non2xx - bad;
  // The approval messages are effects after each commit; wait (bounded) until they are all posted.
  let posts: ApprovalPost[] = [];
  const deadline = Date.now() + 60_000;
  for (;;) {
    posts = ((await run.slack.stats(true)).approvals ?? []).slice(already);
    if (posts.length >= filed || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const sec = (performance.now() - started) / 1000;
  run.log(
    `         prepared ${posts.length} pending requests in ${sec.toFixed(1)} s (signed modal submissions: ${result.requests.total} sent, ` +
      `${result.non2xx} non-2xx, ${bad} unexpected, ${result.errors} errors; p99 ${result.latency.p99} ms)`,
  );
  if (!posts.length) throw new Error('slack-approve-click: no pending request could be prepared');
  return posts;
}
