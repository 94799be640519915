import { createHmac } from 'node:crypto';
import nock from 'nock';
import { slashCommandBody } from '../../scripts/bench/slack-wire';
import { eventually, type RunningApp, startApp } from './app';

/**
 * Slack at the wire: a nock interceptor for the Web API that answers with the documented
 * response shapes and records every call, plus requests signed exactly as Slack signs them.
 */

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const SLACK_API = 'https://slack.test';
export const BOT_USER = 'UBOT0001';

/** Settings that turn the Slack door on against the fake Web API. */
export const SLACK_ENV = {
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  SLACK_BOT_TOKEN: 'xoxb-test-token',
  SLACK_API_URL: 'https://slack.test/api/',
  SLACK_APPROVAL_CHANNEL: 'C0APPROVALS',
  APPROVERS: 'UBOSS,UDEPUTY',
  ORGANIZATIONAL_UNITS: 'Experiment,Demos (ou-abcd-12345678)',
};

export interface SlackProfile {
  email?: string;
  real_name: string;
  first_name?: string;
  last_name?: string;
}

export interface WebApiCall {
  method: string;
  body: Record<string, any>;
}

/**
 * The Web API's answers, in the documented response shapes, for the methods the bot calls. Shared
 * by the fakes that carry them: FakeSlack (nock) and FlakySlack (a loopback server, flaky-slack.ts).
 */
export class SlackWebApiResponses {
  private ts = 1_700_000_000;

  constructor(readonly users: Record<string, SlackProfile>) {}

  respond(method: string, body: Record<string, any>): object {
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://acme.slack.com/',
          team: 'Acme',
          user: 'vendingbot',
          team_id: 'T0001',
          user_id: BOT_USER,
          bot_id: 'B0001',
        };
      case 'users.info': {
        const p = this.users[body.user];
        if (!p) return { ok: false, error: 'user_not_found' };
        return {
          ok: true,
          user: {
            id: body.user,
            team_id: 'T0001',
            name: p.real_name.toLowerCase().replace(/\s+/g, '.'),
            real_name: p.real_name,
            is_bot: false,
            profile: { ...p, display_name: p.real_name },
          },
        };
      }
      case 'chat.postMessage': {
        const ts = `${this.ts++}.000100`;
        const channel = String(body.channel).startsWith('U') ? `D${String(body.channel).slice(1)}` : body.channel;
        return { ok: true, channel, ts, message: { type: 'message', user: BOT_USER, text: body.text, ts } };
      }
      case 'chat.update':
        return { ok: true, channel: body.channel, ts: body.ts, text: body.text, message: { text: body.text } };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: `${this.ts++}.000200` };
      case 'views.open':
      case 'views.publish':
      case 'views.update':
        return { ok: true, view: { id: 'V0001', ...(typeof body.view === 'string' ? JSON.parse(body.view) : body.view) } };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }
}

export class FakeSlack {
  readonly calls: WebApiCall[] = [];
  private readonly responses: SlackWebApiResponses;
  private failures = new Map<string, number>();

  constructor(readonly users: Record<string, SlackProfile>) {
    this.responses = new SlackWebApiResponses(users);
    nock(SLACK_API)
      .persist()
      .post(/^\/api\/[\w.]+$/)
      .reply((uri, body) => {
        const method = uri.replace('/api/', '');
        const parsed = parseBody(body);
        this.calls.push({ method, body: parsed });
        const left = this.failures.get(method) ?? 0;
        if (left > 0) {
          this.failures.set(method, left - 1);
          return [200, { ok: false, error: 'internal_error' }];
        }
        return [200, this.responses.respond(method, parsed)];
      });
  }

  /** Forgets the calls so far (between tests). */
  reset(): void {
    this.calls.length = 0;
    this.failures.clear();
  }

  /** The next `n` calls to `method` fail with internal_error. */
  fail(method: string, n = 1): void {
    this.failures.set(method, n);
  }

  of(method: string): Array<Record<string, any>> {
    return this.calls.filter((c) => c.method === method).map((c) => c.body);
  }
}

/** Web API bodies are form-encoded, with JSON-encoded blocks and views. */
export function parseBody(body: unknown): Record<string, any> {
  const raw: Record<string, any> =
    typeof body === 'string' ? Object.fromEntries(new URLSearchParams(body)) : ((body as Record<string, any>) ?? {});
  for (const key of ['blocks', 'view', 'attachments']) if (typeof raw[key] === 'string') raw[key] = JSON.parse(raw[key]);
  return raw;
}

export function signature(body: string, timestamp: number, secret = SIGNING_SECRET): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** POSTs to /slack/events signed like Slack (or not, or badly, for the negative cases). */
export async function sendToSlackEndpoint(
  baseUrl: string,
  body: string,
  opts: { contentType: string; secret?: string; timestamp?: number; unsigned?: boolean; headers?: Record<string, string> },
): Promise<Response> {
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = { 'content-type': opts.contentType, ...opts.headers };
  if (!opts.unsigned) {
    headers['x-slack-request-timestamp'] = String(timestamp);
    headers['x-slack-signature'] = signature(body, timestamp, opts.secret);
  }
  return fetch(`${baseUrl}/slack/events`, { method: 'POST', headers, body });
}

export const slashCommand = (baseUrl: string, userId: string, text: string, command = '/vend-account') =>
  sendToSlackEndpoint(baseUrl, slashCommandBody(userId, text, `trigger-${userId}-${Date.now()}`, command), {
    contentType: 'application/x-www-form-urlencoded',
  });

export const interaction = (baseUrl: string, payload: object) =>
  sendToSlackEndpoint(baseUrl, new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), {
    contentType: 'application/x-www-form-urlencoded',
  });

let eventSeq = 0;
export function eventCallback(event: Record<string, unknown>, eventId = `Ev${Date.now()}${eventSeq++}`) {
  return JSON.stringify({
    token: 'deprecated-verification-token',
    team_id: 'T0001',
    api_app_id: 'A0001',
    event: { event_ts: `${Date.now() / 1000}`, ...event },
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: 'T0001', user_id: BOT_USER, is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  });
}

export const sendEvent = (baseUrl: string, body: string, headers: Record<string, string> = {}) =>
  sendToSlackEndpoint(baseUrl, body, { contentType: 'application/json', headers });

/** The payload Slack sends when someone clicks a button on a message. */
export function buttonClick(userId: string, actionId: string, value: string, where: { channel: string; ts: string }) {
  return {
    type: 'block_actions',
    user: { id: userId, username: userId.toLowerCase(), name: userId.toLowerCase(), team_id: 'T0001' },
    api_app_id: 'A0001',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: where.ts, channel_id: where.channel, is_ephemeral: false },
    trigger_id: `trigger-${userId}-${Date.now()}`,
    team: { id: 'T0001', domain: 'acme' },
    channel: { id: where.channel, name: 'aws-approvals' },
    message: { type: 'message', ts: where.ts, text: 'AWS account request' },
    response_url: `${SLACK_API}/actions/T0001/1/xyz`,
    actions: [
      {
        action_id: actionId,
        block_id: `decide:${value}`,
        text: { type: 'plain_text', text: actionId },
        value,
        type: 'button',
        action_ts: `${Date.now() / 1000}`,
      },
    ],
  };
}

/** The payload Slack sends when a modal is submitted; `values` maps block id to input state. */
export function viewSubmission(userId: string, callbackId: string, values: Record<string, object>, privateMetadata = '') {
  return {
    type: 'view_submission',
    team: { id: 'T0001', domain: 'acme' },
    user: { id: userId, username: userId.toLowerCase(), name: userId.toLowerCase(), team_id: 'T0001' },
    api_app_id: 'A0001',
    token: 'deprecated-verification-token',
    trigger_id: `trigger-${userId}-${Date.now()}`,
    view: {
      id: 'V0001',
      team_id: 'T0001',
      type: 'modal',
      callback_id: callbackId,
      private_metadata: privateMetadata,
      state: { values: Object.fromEntries(Object.entries(values).map(([block, v]) => [block, { value: v }])) },
      hash: '1700000000.abc',
      title: { type: 'plain_text', text: 'Modal' },
    },
    response_urls: [],
  };
}

export const textValue = (value: string) => ({ type: 'plain_text_input', value });
export const emailValue = (value: string) => ({ type: 'email_text_input', value });
export const selected = (value: string) => ({
  type: 'static_select',
  selected_option: { text: { type: 'plain_text', text: value }, value },
});

/**
 * The app with its Slack door on against the fake Web API, for one test file: started once, with
 * the recorded calls forgotten (after pending effects settle) before each test.
 */
export function useSlackApp(
  users: Record<string, SlackProfile>,
  env: Record<string, string> = {},
  opts: Parameters<typeof startApp>[1] = {},
): { running: RunningApp; slack: FakeSlack } {
  const harness = {} as { running: RunningApp; slack: FakeSlack };
  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    harness.slack = new FakeSlack(users); // before the app: Bolt calls auth.test as it starts
    harness.running = await startApp({ ...SLACK_ENV, ...env }, opts);
    // Bolt's start-up auth.test is in flight: let it land before the first test forgets the calls.
    await eventually(async () => harness.slack.of('auth.test').length > 0, 5_000, 10);
  });
  beforeEach(async () => {
    await harness.running.settle();
    harness.slack.reset();
  });
  afterAll(async () => {
    await harness.running.stop();
  });
  return harness;
}
