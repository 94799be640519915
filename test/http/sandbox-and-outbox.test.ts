import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, type RunningApp, startApp } from '../support/app';

describe('the embedded outbox and sandbox Account Factory', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp({ SANDBOX_FAIL_PATTERN: '^fail' });
  });
  afterAll(() => running.stop());

  async function approvedRequest(accountEmail: string): Promise<string> {
    const say = async (UserInput: string) =>
      (await (
        await fetch(`${running.baseUrl}/account`, {
          method: 'POST',
          body: JSON.stringify({ UserEmail: 'sam@example.com', UserName: 'Sam', UserLastname: 'Ng', UserInput }),
        })
      ).json()) as Record<string, any>;
    await say(`a sandbox account in Experiment for ${accountEmail}`);
    const { requestId } = await say('yes');
    await running.settle();
    const mail = (await running.app.core.sentMessages()!).find((m) => m.requestId === requestId && m.kind === 'approval-request')!;
    const link = /http\S+/.exec(mail.text)![0];
    await fetch(link, { method: 'POST', body: new URLSearchParams({ decision: 'approve' }), redirect: 'manual' });
    return requestId;
  }

  it('writes each message as a JSON line and lists it on /outbox with clickable links', async () => {
    const requestId = await approvedRequest('outbox-team@example.com');
    await running.settle();
    const lines = readFileSync(join(running.dataDir, 'outbox.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const approval = lines.find((l) => l.requestId === requestId && l.kind === 'approval-request');
    expect(approval).toMatchObject({
      to: 'approvers@example.com',
      subject: expect.stringContaining('Approval needed'),
      text: expect.stringContaining('/account/confirm/'),
    });
    const page = await (await fetch(`${running.baseUrl}/outbox`)).text();
    expect(page).toContain('Approval needed: Sandbox AWS account');
    expect(page).toMatch(/<a href="http:\/\/127\.0\.0\.1:\d+\/account\/confirm\/[\w.-]+">/);
    expect(page).toContain('sandbox');
  });

  it('provisions a labelled sandbox account with a 12-digit id', async () => {
    const requestId = await approvedRequest('ok-team@example.com');
    const done = await eventually(async () => {
      const r = (await (await fetch(`${running.baseUrl}/requests/${requestId}`)).json()) as Record<string, any>;
      return r.status === 'SUCCEEDED' && r;
    });
    expect(done.provisioning).toMatchObject({ factory: 'sandbox', accountId: expect.stringMatching(/^\d{12}$/) });
    // The message follows the SUCCEEDED write as an effect: wait for it rather than race it.
    const ready = await eventually(async () =>
      (await running.app.core.sentMessages()!).find((m) => m.requestId === requestId && m.kind === 'request-succeed'),
    );
    expect(ready.text).toContain(done.provisioning.accountId);
    expect(ready.text).toContain('SANDBOX Account Factory (simulated');
  });

  it('fails account e-mails that match the failure pattern, and tells the requester why', async () => {
    const requestId = await approvedRequest('fail-team@example.com');
    const failed = await eventually(async () => {
      const r = (await (await fetch(`${running.baseUrl}/requests/${requestId}`)).json()) as Record<string, any>;
      return r.status === 'FAILED' && r;
    });
    expect(failed.provisioning.failureReason).toContain('simulated failure');
    const told = await eventually(async () =>
      (await running.app.core.sentMessages()!).find((m) => m.requestId === requestId && m.kind === 'request-fail'),
    );
    expect(told.subject).toContain('Failed');
    expect(told.text).toContain('matches the failure pattern');
  });
});
