import nock from 'nock';
import { STATUS_WORDS } from '../../app/core/effects/messages';
import type { AccountRequest, Status } from '../../app/core/request/account-request';
import { eventually, type RunningApp, startApp } from '../support/app';
import { FlakySlack, type RecordedCall, type SlackMode } from '../support/flaky-slack';
import {
  emailValue,
  eventCallback,
  interaction,
  SLACK_ENV,
  selected,
  sendEvent,
  slashCommand,
  textValue,
  viewSubmission,
} from '../support/slack';

/**
 * A Slack outage at the wire: the Web API answers 500, then 429 with Retry-After, then refuses
 * connections, while requests are decided and provisioned and people talk to the bot. When Slack
 * is back, everything owed is delivered: once, in the order it happened, and saying what is true
 * now. Slack here is a real loopback server (test/support/flaky-slack.ts), so a refused connection
 * is a real ECONNREFUSED.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The ten who ask while Slack is up, and three who open the form before the outage and submit it during it. */
const EARLY = Array.from({ length: 10 }, (_, i) => `UREQ${String(i + 1).padStart(2, '0')}`);
const LATE = ['UREQ11', 'UREQ12', 'UREQ13'];
const CHATTER = 'UCHAT';
const NEWCOMER = 'UNEW';
const USERS = Object.fromEntries(
  [...EARLY, ...LATE, CHATTER, NEWCOMER].map((id, i) => [
    id,
    { email: `${id.toLowerCase()}@example.com`, real_name: `Person${i + 1} Tester`, first_name: `Person${i + 1}`, last_name: 'Tester' },
  ]),
);

/** What a requester's DM is about, from its subject (app/core/effects/messages.ts requesterUpdate). */
type DmKind = 'create' | 'approve' | 'succeed';
const STATE_OF: Record<DmKind, Status> = { create: 'PENDING_APPROVAL', approve: 'APPROVED', succeed: 'SUCCEEDED' };
function kindOf(text: string): DmKind | undefined {
  if (/^\*(\(Delayed\) )?Request req-\S+ received: /.test(text)) return 'create';
  if (/^\*(\(Delayed\) )?Approved: /.test(text)) return 'approve';
  if (/^\*(\(Delayed\) )?Ready: /.test(text)) return 'succeed';
  return undefined;
}

/** The request's status at a moment, from its audit trail. */
function statusAt(r: AccountRequest, at: number): Status {
  let status: Status = 'PENDING_APPROVAL';
  for (const e of r.audit) if (Date.parse(e.at) <= at) status = e.to as Status;
  return status;
}

describe('Slack outage: nothing lost, nothing twice, everything in order', () => {
  let slack: FlakySlack;
  let running: RunningApp;
  let pumping = false;
  let pump: Promise<void> = Promise.resolve();

  beforeAll(async () => {
    // This file talks to real loopback servers only. nock (loaded for every file, see
    // after-each-file.ts) would sit in every HTTP call, the store's included, and its interceptor
    // costs more CPU than the app itself under this load: un-patch it for this file.
    nock.restore();
    slack = await FlakySlack.start(USERS); // before the app: Bolt calls auth.test as it starts
    running = await startApp(
      { ...SLACK_ENV, SLACK_API_URL: slack.apiUrl, APPROVER_EMAILS: 'approvers@example.com', SANDBOX_PROVISION_SECONDS: '0.2' },
      { retry: { baseDelayMs: 250, maxDelayMs: 2_500, leaseMs: 5_000 }, background: true },
    );
    // Slack up, the app has heard from Slack once (Bolt learns who the bot is, auth.test, by then).
    expect((await slashCommand(running.baseUrl, CHATTER, 'help')).status).toBe(200);
    // The background sweep runs every 5 s; sweeping more often keeps the retries on their short schedule.
    pumping = true;
    pump = (async () => {
      while (pumping) {
        await running.app.core.carryOutEffects().catch(() => undefined);
        await sleep(400);
      }
    })();
  });

  afterAll(async () => {
    pumping = false;
    await pump;
    await slack?.setMode('healthy');
    await running?.stop();
    await slack?.close();
  });

  /** Puts Slack through an outage, one mode after another, and brings it back (at once when a test ends early). */
  let stopOutage = new AbortController();
  function outage(phases: Array<[SlackMode, number]>): Promise<void> {
    stopOutage = new AbortController();
    const { signal } = stopOutage;
    const wait = (ms: number) =>
      new Promise<void>((resolve) => {
        const t = setTimeout(resolve, ms);
        signal.addEventListener(
          'abort',
          () => {
            clearTimeout(t);
            resolve();
          },
          { once: true },
        );
      });
    return (async () => {
      for (const [mode, ms] of phases) {
        if (signal.aborted) break;
        await slack.setMode(mode);
        await wait(ms);
      }
      await slack.setMode('healthy');
    })();
  }
  afterEach(async () => {
    stopOutage.abort();
    await slack.setMode('healthy');
    await running.settle();
  });

  const submitRequest = (user: string) => {
    const name = `outage-${user.toLowerCase()}`;
    return interaction(
      running.baseUrl,
      viewSubmission(user, 'vend_account_modal', {
        accountName: textValue(name),
        accountType: selected('Sandbox'),
        accountEmail: emailValue(`${name}@example.com`),
        accountOU: selected('Experiment'),
      }),
    );
  };

  const requestOf = async (user: string): Promise<AccountRequest> => {
    const mine = await running.app.core.requestsOf(`${user.toLowerCase()}@example.com`);
    expect(mine).toHaveLength(1);
    return running.app.core.lookUp(mine[0].id);
  };

  const approvalMail = async (request: AccountRequest) =>
    (await running.app.core.sentMessages()!).find((m) => m.requestId === request.id && m.kind === 'approval-request');
  const approveByMail = async (request: AccountRequest) => {
    const mail = await eventually(() => approvalMail(request), 5_000, 100);
    const link = /http\S+/.exec(mail.text)![0];
    const res = await fetch(link, { method: 'POST', body: new URLSearchParams({ decision: 'approve' }), redirect: 'manual' });
    expect(res.status).toBe(303);
  };

  const dmsTo = (user: string): RecordedCall[] => slack.delivered('chat.postMessage').filter((c) => c.body.channel === user);
  const approvalPosts = (request: AccountRequest) =>
    slack
      .delivered()
      .filter(
        (c) =>
          (c.method === 'chat.postMessage' || c.method === 'chat.update') &&
          c.body.channel === 'C0APPROVALS' &&
          JSON.stringify(c.body.blocks).includes(request.id),
      );

  it("delivers every request's DMs once and in order after the outage, late ones saying so, while provisioning went on", async () => {
    const everyone = [...EARLY, ...LATE];
    // Slack up: ten requests through the modal, their "received" DMs and the approvers' posts delivered.
    for (const user of EARLY) {
      const res = await submitRequest(user);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('');
    }
    // Three more open the form now (their profile is read now) and submit it once Slack is down.
    for (const user of LATE) expect((await slashCommand(running.baseUrl, user, '')).status).toBe(200);
    await eventually(
      async () =>
        EARLY.every((u) => dmsTo(u).length === 1) &&
        slack.delivered('chat.postMessage').filter((c) => c.body.channel === 'C0APPROVALS').length === EARLY.length,
    );

    // Slack goes down for 10 s: 500s, then 429 with Retry-After, then refused connections. Approvals
    // come in each phase (by e-mail link), and three requests are filed while it is down.
    const phase = { '500': 0, '429': 2_500, refused: 5_000 };
    const down = outage([
      ['500', 2_500],
      ['429', 2_500],
      ['refused', 5_000],
    ]);
    const downSince = slack.modes.at(-1)!.at;
    const at = (ms: number) => sleep(Math.max(0, downSince + ms - Date.now()));
    const requests = new Map<string, AccountRequest>();
    for (const user of EARLY) requests.set(user, await requestOf(user));

    await at(phase['500'] + 200);
    await Promise.all(EARLY.slice(0, 5).map((u) => approveByMail(requests.get(u)!)));

    await at(phase['429'] + 200);
    expect(slack.mode).toBe('429');
    await Promise.all(EARLY.slice(5).map((u) => approveByMail(requests.get(u)!)));
    for (const user of LATE) {
      const res = await submitRequest(user);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('');
      requests.set(user, await requestOf(user));
    }
    // The approvers' e-mail is another recipient: Slack being down does not hold it back; it goes
    // out while Slack is still down.
    for (const user of LATE) {
      await eventually(() => approvalMail(requests.get(user)!), 8_000, 50);
      expect({ user, slack: slack.mode }).not.toEqual({ user, slack: 'healthy' });
    }

    await at(phase.refused + 200);
    expect(slack.mode).toBe('refused');
    await Promise.all(LATE.map((u) => approveByMail(requests.get(u)!)));

    // Provisioning does not wait for Slack: every request starts right after its approval (not
    // behind its own failing Slack calls) and is ready while Slack is still down.
    // (Polled gently, one request at a time: the embedded store serves the app too.)
    const current = (user: string) => running.app.core.lookUp(requests.get(user)!.id);
    await eventually(
      async () => {
        for (const user of everyone) if ((await current(user)).status !== 'SUCCEEDED') return false;
        return true;
      },
      8_000,
      200,
    );
    // ...and every request was provisioned to the end while Slack was still down.
    expect(slack.mode).not.toBe('healthy');
    await down;
    // The app kept trying while Slack was down (and every one of those calls failed).
    expect(slack.calls.some((c) => c.mode === '500')).toBe(true);
    expect(slack.calls.some((c) => c.mode === '429')).toBe(true);

    // Slack is back: every request's three DMs and its approvers' message catch up (bounded).
    const final = new Map<string, AccountRequest>();
    for (const user of everyone) final.set(user, await current(user));
    const caughtUp = () =>
      everyone.every((u) => {
        const r = final.get(u)!;
        const last = approvalPosts(r).at(-1);
        return (
          dmsTo(u).some((c) => kindOf(c.body.text) === 'succeed') && !!last && JSON.stringify(last.body.blocks).includes('Account ready')
        );
      });
    await eventually(async () => caughtUp(), 20_000, 100);
    // A little longer, for any duplicate to show up.
    await sleep(1_500);
    await running.settle();

    for (const user of everyone) {
      const r = final.get(user)!;
      const dms = dmsTo(user);
      const texts = dms.map((c) => String(c.body.text));
      // In the order of the transitions, each exactly once.
      expect({ user, kinds: texts.map(kindOf) }).toEqual({ user, kinds: ['create', 'approve', 'succeed'] });
      expect(texts.every((t) => t.includes(r.account.name))).toBe(true);
      for (const c of dms) {
        const text = String(c.body.text);
        const kind = kindOf(text)!;
        const now = statusAt(r, c.at);
        if (now === STATE_OF[kind]) {
          expect({ user, text }).toEqual({ user, text: expect.not.stringContaining('(Delayed)') });
        } else {
          // Delivered after the request moved on: it says it is late, and what is true now.
          expect({ user, text }).toEqual({ user, text: expect.stringMatching(/^\*\(Delayed\) /) });
          expect(text).toContain(`it is now ${STATUS_WORDS[now]}`);
        }
        // Above all, never "waiting for an approver" as if it were news after the approval.
        const approvedAt = Date.parse(r.audit.find((e) => e.action === 'approve')!.at);
        expect({
          user,
          stalePending: c.at > approvedAt && text.includes('waiting for an approver') && !text.includes('(Delayed)'),
        }).toEqual({ user, stalePending: false });
      }
      expect(texts[2]).toContain(`Account id:   ${r.provisioning!.accountId}`);

      // The approvers' message: posted once, then only updated in place, ending on the final state.
      const posts = approvalPosts(r);
      expect(posts[0].method).toBe('chat.postMessage');
      expect(posts.filter((c) => c.method === 'chat.postMessage')).toHaveLength(1);
      const { channel, ts } = posts[0].answer!;
      expect(posts.slice(1).every((c) => c.method === 'chat.update' && c.body.channel === channel && c.body.ts === ts)).toBe(true);
      const last = JSON.stringify(posts.at(-1)!.body.blocks);
      expect(last).toContain(`Account ready: *${r.provisioning!.accountId}*`);
      expect(last).toContain('Approved by approvers@example.com');
      expect(last).not.toContain('approve_request');
      // One post or update per step (create, approve, start, succeed), none twice.
      expect(posts).toHaveLength(r.audit.filter((e) => e.action !== 'record').length);
    }
    // The late requesters' "received" DMs are the issue's case: delivered after approval, they say so.
    for (const user of LATE)
      expect(String(dmsTo(user)[0].body.text)).toMatch(/^\*\(Delayed\) Request req-\S+ received: [\s\S]*it is now ready\.$/);
  }, 50_000);

  it('answers DMs at once while Slack is down, makes each turn once despite redelivery, and posts each reply once and in order', async () => {
    const dm = (text: string, eventId: string, headers: Record<string, string> = {}) =>
      sendEvent(
        running.baseUrl,
        eventCallback({ type: 'message', channel: 'DCHAT', channel_type: 'im', user: CHATTER, text, ts: `${Date.now() / 1000}` }, eventId),
        headers,
      );
    // The person is known (their profile read while Slack was up): the turns need nothing from Slack.
    expect((await slashCommand(running.baseUrl, CHATTER, 'status')).status).toBe(200);

    // [what the person says, what the bot answers, when (ms into the outage)]
    const turns: Array<[string, string, number]> = [
      ['hi, can I get a new account?', 'Hi Person14, what account type do you want? Production or Sandbox?', 300],
      ['sandbox', "Thanks Person14. Which e-mail address should the new account's root user have?", 2_000],
      ['chat-team@example.com', 'Which organizational unit', 4_500],
    ];
    const acks: Array<{ mode: SlackMode; ms: number }> = [];
    const outageStart = Date.now();
    const down = outage([
      ['500', 1_500],
      ['429', 2_500],
      ['refused', 2_000],
    ]);
    const ids = turns.map((_, i) => `EvOUTAGE${Date.now()}${i}`);
    // One turn in each phase of the outage, each sent again by Slack (same event id) right after.
    for (const [i, [text, , at]] of turns.entries()) {
      await sleep(Math.max(0, at - (Date.now() - outageStart)));
      const [mode, started] = [slack.mode, Date.now()];
      const res = await dm(text, ids[i]);
      expect(res.status).toBe(200);
      acks.push({ mode, ms: Date.now() - started });
      const again = await dm(text, ids[i], { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_error' });
      expect(again.status).toBe(200);
    }
    // Answered at once (Slack wants its acknowledgement within 3 s), whatever Slack's state.
    expect(acks.map((a) => a.mode)).toEqual(['500', '429', 'refused']);
    expect(Math.max(...acks.map((a) => a.ms))).toBeLessThan(3_000);
    await down;

    const replies = () => slack.delivered('chat.postMessage').filter((c) => c.body.channel === 'DCHAT');
    await eventually(async () => replies().length >= turns.length, 20_000, 100);
    await sleep(1_500); // for any duplicate to show up
    await running.settle();
    // The replies were tried while Slack was down (later ones may wait behind the first), and retried once it was back.
    expect(slack.calls.some((c) => c.method === 'chat.postMessage' && c.body.channel === 'DCHAT' && c.mode !== 'healthy')).toBe(true);
    // Once each, in the order of the turns: the conversation advanced once per event.
    expect(replies().map((c) => String(c.body.text))).toEqual(turns.map(([, reply]) => expect.stringContaining(reply)));
  }, 40_000);

  it('loses no turn of a person the bot has not met yet: their DM during the outage is answered once Slack is back', async () => {
    // Nobody has read this person's profile yet, so the turn needs users.info, which fails while Slack is down.
    const body = eventCallback(
      {
        type: 'message',
        channel: 'DNEW',
        channel_type: 'im',
        user: NEWCOMER,
        text: 'hi, can I get a new account?',
        ts: `${Date.now() / 1000}`,
      },
      `EvNEW${Date.now()}`,
    );
    const down = outage([['500', 3_000]]);
    const first = await sendEvent(running.baseUrl, body);
    expect(first.status).toBeLessThan(600);
    await down;
    // Slack sends the event again, as it does for an event not acknowledged with a 2xx within 3 s.
    const again = await sendEvent(running.baseUrl, body, {
      'x-slack-retry-num': '1',
      'x-slack-retry-reason': first.ok ? 'http_timeout' : 'http_error',
    });
    expect(again.status).toBe(200);

    const replies = () => slack.delivered('chat.postMessage').filter((c) => c.body.channel === 'DNEW');
    await eventually(async () => replies().length > 0, 6_000, 100).catch(() => undefined);
    await sleep(1_000); // for any duplicate to show up
    await running.settle();
    expect(replies().map((c) => String(c.body.text))).toEqual(['Hi Person15, what account type do you want? Production or Sandbox?']);
  });

  it('hears Slack again after starting while Slack was down (a restart or a cold start during the outage)', async () => {
    const other = await FlakySlack.start(USERS);
    await other.setMode('refused');
    const restarted = await startApp(
      { ...SLACK_ENV, SLACK_API_URL: other.apiUrl },
      { retry: { baseDelayMs: 200, maxDelayMs: 2_000, leaseMs: 5_000 } },
    );
    try {
      await sleep(1_000);
      await other.setMode('healthy');
      const replies = () => other.delivered('chat.postMessage').filter((c) => c.body.channel === 'DCHAT2');
      // Slack is up again: a DM gets its answer (each try is a new message, as a person would type again).
      await eventually(
        async () => {
          await sendEvent(
            restarted.baseUrl,
            eventCallback({
              type: 'message',
              channel: 'DCHAT2',
              channel_type: 'im',
              user: CHATTER,
              text: 'help',
              ts: `${Date.now() / 1000}`,
            }),
          );
          await restarted.settle();
          return replies().length > 0;
        },
        4_000,
        500,
      ).catch(() => undefined);
      expect(replies().map((c) => String(c.body.text))).toEqual([expect.stringContaining('I vend AWS accounts')]);
    } finally {
      await restarted.stop();
      await other.close();
    }
  });
});
