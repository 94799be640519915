import { join } from 'node:path';
import type { Actor, Requester } from '../../app/core/request/account-request';
import { eventually, type RunningApp, startApp } from '../support/app';
import { RecordingNotifier, ScriptedBaseline } from '../support/doubles';

/**
 * The baseline after vending, seen as a person sees it: the request page (GET /requests/:id) and
 * the messages. The README's example baseline (every part) runs on a scripted port here; the
 * embedded default runs the simulated one.
 */
const EXAMPLE = join(__dirname, '..', '..', 'manifest', 'account-baseline.example.yml');
const jane: Requester = { id: 'jane@example.com', email: 'jane@example.com', firstName: 'Jane', lastName: 'Doe' };
const asJane: Actor = { id: jane.id, email: jane.email, name: 'Jane Doe', door: 'web' };
const boss: Actor = { id: 'boss@example.com', email: 'boss@example.com', name: 'Boss', door: 'email-link' };
const FAST = { baseDelayMs: 5, maxDelayMs: 20, leaseMs: 30_000 };

async function vend(running: RunningApp, accountEmail: string) {
  const request = await running.app.core.ask({ requester: jane, accountType: 'Sandbox', accountEmail, accountOU: 'Demos' }, asJane);
  await running.app.core.decide(request.id, 'approve', boss);
  return request;
}
const page = async (running: RunningApp, id: string) =>
  (await (await fetch(`${running.baseUrl}/requests/${id}`)).json()) as Record<string, any>;
/** Polls the request page until it is SUCCEEDED, carrying out due effects as the background sweep would (retries wait for it). */
const finished = (running: RunningApp, id: string) =>
  eventually(async () => {
    await running.app.core.carryOutEffects();
    const r = await page(running, id);
    return r.status === 'SUCCEEDED' && r;
  });

describe('the baseline after vending (every part, on a scripted port)', () => {
  let running: RunningApp;
  let baseline: ScriptedBaseline;
  let notifier: RecordingNotifier;
  beforeEach(async () => {
    baseline = new ScriptedBaseline();
    notifier = new RecordingNotifier();
    running = await startApp({ APPROVER_EMAILS: 'boss@example.com', ACCOUNT_BASELINE: EXAMPLE }, { baseline, notifier, retry: FAST });
  });
  afterEach(() => running.stop());

  it('tags, sets contacts, grants access and sets a budget before the owner hears the account is ready', async () => {
    const request = await vend(running, 'team-a@example.com');
    const done = await finished(running, request.id);
    const accountId = done.provisioning.accountId;
    expect(done.baseline).toMatchObject({
      kind: 'scripted',
      steps: [
        { step: 'tags', state: 'done' },
        { step: 'alternate-contacts', state: 'done' },
        { step: 'access', state: 'done' },
        { step: 'budget', state: 'done' },
      ],
    });
    expect(baseline.calls.find((c) => c.step === 'tags')).toEqual({
      step: 'tags',
      accountId,
      args: {
        'managed-by': 'account-vending-bot',
        'cost-centre': 'platform',
        'vending:request-id': request.id,
        'vending:owner': 'jane@example.com',
        'vending:account-type': 'Sandbox',
      },
    });
    expect(baseline.calls.filter((c) => c.step === 'alternate-contacts').map((c) => (c.args as any).type)).toEqual([
      'BILLING',
      'OPERATIONS',
      'SECURITY',
    ]);
    expect(baseline.calls.find((c) => c.step === 'access')?.args).toMatchObject({
      principal: { type: 'USER', userName: 'jane@example.com' },
    });
    expect(baseline.calls.find((c) => c.step === 'budget')?.args).toEqual({
      name: `vending-${accountId}`,
      amountUsd: 100,
      alertAtPercent: 80,
      notify: ['jane@example.com'],
    });
    // The account was made first; ready only once every step was settled, in the one write that says so.
    expect(done.audit.map((a: any) => a.action).slice(-2)).toEqual(['provisioned', 'succeed']);
    expect(done.audit.at(-1).reason).toBe(
      `Account ${accountId} ready; baseline: tags done, alternate contacts done, access through IAM Identity Center done, monthly budget done`,
    );
    await running.settle();
    const ready = notifier.to('jane@example.com', 'request-succeed');
    expect(ready).toHaveLength(1);
    expect(ready[0].text).toContain('- monthly budget: done');
  });

  it('retries a step that fails for a while, and records it done', async () => {
    baseline.script.set('budget', { transient: 2 });
    const request = await vend(running, 'team-b@example.com');
    const done = await finished(running, request.id);
    expect(done.baseline.steps.find((s: any) => s.step === 'budget')).toMatchObject({ state: 'done', tries: 2 });
    expect(baseline.calls.filter((c) => c.step === 'budget')).toHaveLength(1);
    // The steps done before it are not done again: each failure recorded the progress so far.
    expect(baseline.calls.filter((c) => c.step === 'tags')).toHaveLength(1);
    const progress = done.audit.filter((a: any) => a.action === 'baseline-step').map((a: any) => a.reason);
    expect(progress).toEqual([
      expect.stringMatching(/^Baseline: monthly budget failed \(try 1 of 5\): /),
      expect.stringMatching(/try 2 of 5/),
    ]);
  });

  it('gives up a step that keeps failing after 5 tries, and the account is ready without it', async () => {
    baseline.script.set('alternate-contacts', { transient: 1_000 });
    const request = await vend(running, 'team-d@example.com');
    const done = await finished(running, request.id);
    expect(done.baseline.steps.find((s: any) => s.step === 'alternate-contacts')).toMatchObject({
      state: 'failed',
      detail: 'alternate-contacts: service unavailable (after 5 tries)',
    });
    expect(done.baseline.steps.filter((s: any) => s.state === 'done').map((s: any) => s.step)).toEqual(['tags', 'access', 'budget']);
  });

  it('leaves the account usable without a step that cannot be done, and tells the approvers what is missing', async () => {
    baseline.script.set('access', { rejected: 'The IAM Identity Center user jane@example.com was not found' });
    const request = await vend(running, 'team-c@example.com');
    const done = await finished(running, request.id);
    expect(done.baseline.steps.find((s: any) => s.step === 'access')).toEqual({
      step: 'access',
      state: 'failed',
      detail: 'The IAM Identity Center user jane@example.com was not found',
      at: expect.any(String),
    });
    expect(done.audit.at(-1).reason).toContain('baseline incomplete: access through IAM Identity Center');
    await running.settle();
    const told = notifier.to('boss@example.com', 'baseline-incomplete');
    expect(told).toHaveLength(1);
    expect(told[0].subject).toContain('is ready without access through IAM');
    expect(told[0].text).toContain('was not found');
    expect(notifier.to('jane@example.com', 'request-succeed')[0].text).toContain('access through IAM Identity Center: not done');
  });
});

describe('the baseline of the embedded default', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp({ APPROVER_EMAILS: 'boss@example.com' });
  });
  afterAll(() => running.stop());

  it('is simulated, says so, and follows the shipped baseline file (tags and a budget)', async () => {
    const request = await vend(running, 'embedded@example.com');
    const done = await finished(running, request.id);
    expect(done.baseline).toMatchObject({
      kind: 'sandbox',
      steps: [
        { step: 'tags', state: 'done' },
        { step: 'budget', state: 'done' },
      ],
    });
  });
});
