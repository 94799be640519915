import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type autocannon from 'autocannon';
import { createVendingApp, type VendingApp } from '../../app/boot/composition';
import { loadConfig } from '../../app/boot/config';
import {
  APPROVER,
  approveClickBody,
  newUserId,
  requestModalSubmissionBody,
  signed,
  slackAppEnv,
  slashCommandBody,
} from '../bench/slack-wire';
import type { FakeSlackApi } from '../fake-slack-api';
import type { UnitsMeter } from './meter';

/**
 * One vended account, end to end, through the real application (the composition root, with
 * TABLE_NAME set: the DynamoDB adapter), against the meter. Each step is a phase; a step's effects
 * (messages, the provisioning queue) run in the process right after it (inline, as on the server)
 * and are waited for before the next step, so they count in the phase that caused them.
 */

export interface AppUnderMeter {
  app: VendingApp;
  baseUrl: string;
  table: string;
  stop(): Promise<void>;
}

export async function startAppOnTable(table: string, env: Record<string, string> = {}): Promise<AppUnderMeter> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vending-units-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    TABLE_NAME: table,
    // Long enough for an approval's effects to finish before the account is ready (phases stay apart).
    SANDBOX_PROVISION_SECONDS: '1.5',
    ...env,
  });
  const app = await createVendingApp(config);
  const http = await app.httpApp();
  const server: Server = await new Promise((resolve) => {
    const s = http.listen(0, '127.0.0.1', () => resolve(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  (app.config as { publicUrl: string }).publicUrl = baseUrl;
  // No app.start(): no timers (the effect sweep, tending), whose cost is per minute, not per account.
  return {
    app,
    baseUrl,
    table,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Waits (bounded, past the meter) until the request is SUCCEEDED with no effect left, then until the process is idle. */
async function untilDone(meter: UnitsMeter, target: AppUnderMeter, requestId: string): Promise<void> {
  const until = Date.now() + 30_000;
  for (;;) {
    await target.app.core.settled();
    const item = await meter.image(target.table, { pk: { S: `REQ#${requestId}` }, sk: { S: 'REQ' } });
    const effects = Object.keys(item?.effects?.M ?? {});
    if (item?.status?.S === 'SUCCEEDED' && effects.length === 0) return;
    if (Date.now() > until) {
      throw new Error(`Request ${requestId} did not finish: ${item?.status?.S}, effects left: ${effects.join(', ') || 'none'}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** 1 → a, 2 → b, ..., 27 → aa: a name part without digits. */
const letters = (n: number): string => (n > 26 ? letters(Math.floor((n - 1) / 26)) : '') + String.fromCharCode(97 + ((n - 1) % 26));

const json = async (res: Response) => (await res.json()) as { state?: string; requestId?: string };

function expectStatus(res: Response, status: number, what: string): void {
  if (res.status !== status) throw new Error(`${what}: HTTP ${res.status}, expected ${status}`);
}

/** The 2021 REST conversation (five turns, as the bench's), the e-mail link (open, approve), the sandbox factory. */
export async function restAndLink(meter: UnitsMeter, target: AppUnderMeter, n: number, tag: string): Promise<string> {
  // A different person each time (as in life): the account name derived from the name is then free,
  // and no account pays for another's name (names are unique for good).
  const who = { UserEmail: `units-${tag}-${n}@example.com`, UserName: 'Units', UserLastname: `Counter${letters(n)}` };
  const turns = [
    ['Hi, I would like a new account please!', 'ElicitSlot'],
    ['Sandbox', 'ElicitSlot'],
    [`units-root-${tag}-${n}@example.com`, 'ElicitSlot'],
    ['Demos', 'ConfirmIntent'],
    ['yes', 'Fulfilled'],
  ] as const;
  let requestId = '';
  for (const [i, [input, state]] of turns.entries()) {
    meter.phase =
      i < 4
        ? `REST turn ${i + 1} (${i === 0 ? 'opening' : input.includes('@') ? 'e-mail' : input})`
        : 'REST turn 5 (yes: create) + effects';
    const res = await fetch(`${target.baseUrl}/account`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...who, UserInput: input }),
    });
    expectStatus(res, 200, `turn ${i + 1}`);
    const body = await json(res);
    if (body.state !== state)
      throw new Error(`turn ${i + 1} ("${input}"): state ${body.state}, expected ${state}: ${JSON.stringify(body)}`);
    if (body.requestId) requestId = body.requestId;
    await target.app.core.settled();
  }
  if (!requestId) throw new Error('The conversation made no request');
  const mails = (await target.app.core.sentMessages())?.filter((m) => m.requestId === requestId && m.kind === 'approval-request') ?? [];
  const link = /https?:\/\/\S+\/account\/confirm\/\S+/.exec(mails[0]?.text ?? '')?.[0];
  if (!link) throw new Error(`No approval link was sent for ${requestId}`);

  meter.phase = 'link GET (show)';
  expectStatus(await fetch(link), 200, 'opening the approval link');
  meter.phase = 'link POST (approve) + effects';
  const decided = await fetch(link, { method: 'POST', body: new URLSearchParams({ decision: 'approve' }), redirect: 'manual' });
  expectStatus(decided, 303, 'approving by the link');
  await target.app.core.settled();
  meter.phase = 'provisioned (sandbox) + effects';
  await untilDone(meter, target, requestId);
  return requestId;
}

/** Slack settings for the app, against the in-process fake Web API. */
export const slackEnv = (slack: FakeSlackApi) => slackAppEnv(slack.apiUrl);

const slackPost = (target: AppUnderMeter, body: string) => {
  const req = signed({} as autocannon.Request, body);
  return fetch(`${target.baseUrl}/slack/events`, {
    method: 'POST',
    headers: req.headers as Record<string, string>,
    body: req.body as string,
  });
};

/** /vend-account (opens the modal), the modal's submission, an approver's Approve click, the sandbox factory. */
export async function slackPath(meter: UnitsMeter, target: AppUnderMeter, slack: FakeSlackApi, n: number, tag: string): Promise<string> {
  const user = newUserId();
  meter.phase = 'Slack /vend-account (modal)';
  const opened = await slackPost(target, slashCommandBody(user, ''));
  expectStatus(opened, 200, '/vend-account');
  await target.app.core.settled();

  const seen = slack.stats(true).approvals?.length ?? 0;
  meter.phase = 'Slack modal submission (create) + effects';
  const submitted = await slackPost(target, requestModalSubmissionBody(user, `units-${tag.toLowerCase()}-${n}`));
  expectStatus(submitted, 200, 'the modal submission');
  await target.app.core.settled();
  const post = slack.stats(true).approvals?.[seen];
  if (!post) throw new Error('No approval message was posted to the approvals channel');

  meter.phase = 'Slack Approve click + effects';
  expectStatus(await slackPost(target, approveClickBody(APPROVER, post)), 200, 'the Approve click');
  await target.app.core.settled();
  meter.phase = 'provisioned (sandbox) + effects';
  await untilDone(meter, target, post.requestId);
  return post.requestId;
}
