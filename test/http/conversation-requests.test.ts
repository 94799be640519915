import { eventually, type RunningApp, startApp } from '../support/app';

/**
 * What the conversation does with what people say about requests, through the REST door (every
 * door that converses goes through the same core): a chosen name and a reason reach the request,
 * "cancel my request" withdraws it by id, "status of req-..." answers for that request, "retry"
 * says plainly what can be done, and a status asked mid-way keeps the conversation.
 */

let running: RunningApp;
beforeAll(async () => {
  running = await startApp();
});
afterAll(() => running.stop());

function person(email: string) {
  return async (UserInput: string) => {
    const res = await fetch(`${running.baseUrl}/account`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ UserEmail: email, UserName: 'Pat', UserLastname: 'Talker', UserInput }),
    });
    return { status: res.status, ...((await res.json()) as Record<string, any>) } as Record<string, any>;
  };
}

const statusOf = async (id: string) => ((await (await fetch(`${running.baseUrl}/requests/${id}`)).json()) as { status: string }).status;

describe('the conversation about requests', () => {
  it('keeps a chosen name and a reason: both are confirmed, and the approvers get them on the request', async () => {
    const say = person('named@example.com');
    const confirm = await say(
      'a sandbox account called payments-dev for payments-dev@example.com in Demos because we test the new billing pipeline',
    );
    expect(confirm.response).toBe(
      'Pat, shall I request a Sandbox account named payments-dev for payments-dev@example.com in the Demos OU, ' +
        'with the reason "because we test the new billing pipeline"? It needs approval from approvers. (yes/no)',
    );
    const done = await say('yes');
    expect(done.request).toMatchObject({ account: { name: 'payments-dev' }, reason: 'because we test the new billing pipeline' });
  });

  it('says one account at a time, also in the confirmation the core words', async () => {
    const say = person('two@example.com');
    const r = await say('two sandbox accounts in Demos, one for alice-sbx@example.com and one for bob-sbx@example.com');
    expect(r.state).toBe('ConfirmIntent');
    expect(r.response).toMatch(
      /^One account at a time, Pat\. Let's start with alice-sbx@example\.com; say "new account" for bob-sbx@example\.com/,
    );
    expect(r.response).toContain('shall I request a Sandbox account named sandbox-pat-talker for alice-sbx@example.com');
  });

  it('withdraws the pending request on "cancel my request", naming its id', async () => {
    const say = person('withdraw@example.com');
    await say('a sandbox account for withdraw-me@example.com in Experiment');
    const { requestId } = await say('yes');
    expect(await say('thanks!')).toMatchObject({ intent: 'Thanks', state: 'Fulfilled' });
    const r = await say('cancel my request');
    expect(r.response).toMatch(
      new RegExp(`^Done, Pat: I have withdrawn request ${requestId} \\(sandbox-pat-talker(-\\d)?\\)\\. Nothing will be provisioned\\.$`),
    );
    expect(await statusOf(requestId)).toBe('CANCELLED');
    expect((await say('cancel my request')).response).toBe(
      'Pat, you have no request waiting for approval, so there is nothing to withdraw.',
    );
    // A bare "cancel" with nothing in progress never withdraws anything.
    expect((await say('cancel')).response).toMatch(/no conversation in progress/);
  });

  it('answers "status of req-..." for that request in plain words, and keeps a conversation in progress', async () => {
    const say = person('status@example.com');
    await say('a production account for status-prod@example.com in Demos');
    const { requestId } = await say('yes');
    expect((await say(`is ${requestId} approved yet?`)).response).toBe(
      `Pat, request ${requestId} (production-pat-talker, Production in Demos) is waiting for approval.`,
    );
    await say('new account');
    const mid = await say(`status of ${requestId}`);
    expect(mid).toMatchObject({ intent: 'VendAccount', state: 'ElicitSlot', slots: {} });
    expect(mid.response).toBe(
      `Pat, request ${requestId} (production-pat-talker, Production in Demos) is waiting for approval.\n\nPat, please answer Production or Sandbox.`,
    );
    expect((await say('sandbox')).response).toContain('root user');
  });

  it('says on "retry" after a failure that retrying comes with the retry feature, and what to do now', async () => {
    const say = person('retry@example.com');
    await say('a sandbox account for fail-retry@example.com in Demos');
    const { requestId } = await say('yes');
    expect((await say('retry')).response).toMatch(
      /^Request req-\S+ \(sandbox-pat-talker(-\d)?\) is waiting for approval, Pat: there is nothing to retry\.$/,
    );
    const link = await eventually(async () => {
      const sent = (await running.app.core.sentMessages()) ?? [];
      return sent.find((m) => m.requestId === requestId && m.kind === 'approval-request')?.text.match(/https?:\/\/\S+/)?.[0];
    });
    await fetch(link, { method: 'POST', body: new URLSearchParams({ decision: 'approve' }), redirect: 'manual' });
    await eventually(async () => (await statusOf(requestId)) === 'FAILED');
    const r = await say('can you try my failed request again?');
    expect(r.response).toMatch(
      new RegExp(
        `^Done, Pat: request ${requestId} \\(sandbox-pat-talker(-\\d)?\\) is back in the queue for the Account Factory, with the same details\\. The last attempt failed: .+`,
      ),
    );
    // A new attempt of the same request: it is provisioned again (and, with the same e-mail, fails again).
    await eventually(async () => (await running.app.core.lookUp(requestId)).retries === 1);
    await eventually(async () => (await statusOf(requestId)) === 'FAILED');
  });
});
