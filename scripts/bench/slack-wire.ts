import { createHmac, randomBytes } from 'node:crypto';
import type autocannon from 'autocannon';
import type { ApprovalPost } from '../fake-slack-api';

/**
 * Slack at the wire, as the bench sends it: request signing (v0 HMAC-SHA256 over
 * `v0:<timestamp>:<body>`, computed per request with the current time) and the bodies of slash
 * commands, button clicks and modal submissions.
 */

/** A fresh signing secret per bench run; the app gets it through its env. */
const SIGNING_SECRET = randomBytes(24).toString('hex');
export const APPROVER = 'UBOSS';
export const APPROVAL_CHANNEL = 'C0APPROVALS';

/** Settings that turn the app's Slack door on (HTTP mode) against the fake Web API at `apiUrl`. */
export function slackAppEnv(apiUrl: string): Record<string, string> {
  return {
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: 'xoxb-bench-token',
    SLACK_API_URL: apiUrl,
    SLACK_APPROVAL_CHANNEL: APPROVAL_CHANNEL,
    APPROVERS: APPROVER,
  };
}

const FORM = 'application/x-www-form-urlencoded';

/** `req` with `body` and Slack's signature headers for it, timestamped now. */
export function signed(req: autocannon.Request, body: string, contentType = FORM): autocannon.Request {
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return {
    ...req,
    method: 'POST',
    headers: {
      ...req.headers,
      'content-type': contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signature,
    },
    body,
  };
}

/** Slack user ids, new for every call in this run (U + upper-case base 36). */
let userSeq = 0;
const runTag = Date.now().toString(36).toUpperCase().slice(-4);
export const newUserId = () => `UB${runTag}${(++userSeq).toString(36).toUpperCase()}`;

let triggerSeq = 0;
const triggerId = () => `${Date.now()}.${++triggerSeq}.bench`;

/** A slash command as Slack posts it (form-encoded); tests share this shape. */
export function slashCommandBody(userId: string, text: string, trigger = triggerId(), command = '/vend-account'): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: 'T0001',
    team_domain: 'bench',
    channel_id: 'C0GENERAL',
    channel_name: 'general',
    user_id: userId,
    user_name: userId.toLowerCase(),
    command,
    text,
    api_app_id: 'A0001',
    is_enterprise_install: 'false',
    response_url: 'https://hooks.slack.invalid/commands/T0001/1/abc',
    trigger_id: trigger,
  }).toString();
}

const interaction = (payload: object) => new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
const user = (id: string) => ({ id, username: id.toLowerCase(), name: id.toLowerCase(), team_id: 'T0001' });

/** A click on the Approve button of an approvals-channel message. */
export function approveClickBody(userId: string, post: ApprovalPost): string {
  return interaction({
    type: 'block_actions',
    user: user(userId),
    api_app_id: 'A0001',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: post.ts, channel_id: post.channel, is_ephemeral: false },
    trigger_id: triggerId(),
    team: { id: 'T0001', domain: 'bench' },
    channel: { id: post.channel, name: 'aws-approvals' },
    message: { type: 'message', ts: post.ts, text: 'AWS account request' },
    response_url: 'https://hooks.slack.invalid/actions/T0001/1/xyz',
    actions: [
      {
        action_id: 'approve_request',
        block_id: `decide:${post.requestId}`,
        text: { type: 'plain_text', text: 'Approve' },
        value: post.requestId,
        type: 'button',
        action_ts: `${Date.now() / 1000}`,
      },
    ],
  });
}

/** A submitted request modal (callback vend_account_modal): a Sandbox account in Demos. */
export function requestModalSubmissionBody(userId: string, accountName: string): string {
  const input = (value: object) => ({ value });
  return interaction({
    type: 'view_submission',
    team: { id: 'T0001', domain: 'bench' },
    user: user(userId),
    api_app_id: 'A0001',
    token: 'deprecated-verification-token',
    trigger_id: triggerId(),
    view: {
      id: 'V0001',
      team_id: 'T0001',
      type: 'modal',
      callback_id: 'vend_account_modal',
      private_metadata: '',
      state: {
        values: {
          accountName: input({ type: 'plain_text_input', value: accountName }),
          accountType: input({
            type: 'static_select',
            selected_option: { text: { type: 'plain_text', text: 'Sandbox' }, value: 'Sandbox' },
          }),
          accountEmail: input({ type: 'email_text_input', value: `${accountName}@example.com` }),
          accountOU: input({ type: 'static_select', selected_option: { text: { type: 'plain_text', text: 'Demos' }, value: 'Demos' } }),
          reason: input({ type: 'plain_text_input', value: 'Load test' }),
        },
      },
      hash: '1700000000.abc',
      title: { type: 'plain_text', text: 'New AWS account' },
    },
    response_urls: [],
  });
}
