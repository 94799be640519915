import { DuplicateRequestError, ForbiddenError, RequestExpiredError, TransitionConflictError } from '../../../app/core/errors';
import type { Actor, Requester } from '../../../app/core/request/account-request';
import { type RunningApp, startApp } from '../../support/app';
import { RecordingNotifier, ScriptedFactory, TestClock } from '../../support/doubles';

const jane: Requester = { id: 'jane@example.com', email: 'jane@example.com', firstName: 'Jane', lastName: 'Doe' };
const asJane: Actor = { id: jane.id, email: jane.email, name: 'Jane Doe', door: 'web' };
const boss: Actor = { id: 'boss@example.com', email: 'boss@example.com', name: 'Boss', door: 'email-link' };
const deputy: Actor = { id: 'deputy@example.com', email: 'deputy@example.com', name: 'Deputy', door: 'email-link' };
const HOUR = 3_600_000;

describe('an account request, from asking to provisioning', () => {
  let running: RunningApp;
  let clock: TestClock;
  let notifier: RecordingNotifier;
  let factory: ScriptedFactory;

  beforeEach(async () => {
    clock = new TestClock();
    notifier = new RecordingNotifier();
    factory = new ScriptedFactory();
    running = await startApp(
      {
        APPROVER_EMAILS: 'boss@example.com,deputy@example.com,jane@example.com',
        MAX_CONCURRENT_PROVISIONING: '2',
        APPROVAL_REMINDER_HOURS: '12',
      },
      { clock, notifier, factory, retry: { baseDelayMs: 1000, maxDelayMs: 10_000, leaseMs: 30_000 } },
    );
  });
  afterEach(() => running.stop());

  const service = () => running.app.core;
  const ask = (email = 'team-a@example.com', extra: object = {}) =>
    service().ask({ requester: jane, accountType: 'sandbox', accountEmail: email, accountOU: 'demos', ...extra }, asJane);

  it('is stored as PENDING_APPROVAL with an audit event, and each approver but the requester is asked', async () => {
    const request = await ask();
    await running.settle();
    const stored = await service().lookUp(request.id);
    expect(stored).toMatchObject({
      status: 'PENDING_APPROVAL',
      account: { name: 'sandbox-jane-doe', type: 'Sandbox', email: 'team-a@example.com', ou: { name: 'Demos' } },
      expiresAt: new Date(clock.now().getTime() + 48 * HOUR).toISOString(),
    });
    expect(stored.audit).toEqual([expect.objectContaining({ action: 'create', to: 'PENDING_APPROVAL', actor: asJane })]);
    expect(notifier.to('boss@example.com', 'approval-request')).toHaveLength(1);
    expect(notifier.to('deputy@example.com', 'approval-request')).toHaveLength(1);
    expect(notifier.to('jane@example.com', 'approval-request')).toHaveLength(0);
    expect(notifier.to('jane@example.com', 'request-create')).toHaveLength(1);
  });

  it('refuses a second open request for the same account e-mail, naming the first', async () => {
    const first = await ask();
    await expect(ask('TEAM-A@example.com')).rejects.toThrow(new DuplicateRequestError(first.id, 'TEAM-A@example.com'));
    await service().decide(first.id, 'deny', boss, 'Use the shared sandbox');
    await expect(ask()).resolves.toMatchObject({ status: 'PENDING_APPROVAL', account: { name: 'sandbox-jane-doe-2' } });
  });

  it('never lets the requester approve their own request, even when listed as an approver', async () => {
    const request = await ask();
    const self: Actor = { ...asJane, door: 'email-link' };
    await expect(service().decide(request.id, 'approve', self)).rejects.toThrow(ForbiddenError);
    await expect(
      service().decide(request.id, 'approve', { ...boss, email: 'mallory@example.com', id: 'mallory@example.com' }),
    ).rejects.toThrow('not an approver');
    expect((await service().lookUp(request.id)).status).toBe('PENDING_APPROVAL');
  });

  it('lets exactly one of two racing decisions win and tells the loser who won', async () => {
    const request = await ask();
    const results = await Promise.allSettled([
      service().decide(request.id, 'approve', boss),
      service().decide(request.id, 'deny', deputy, 'No budget'),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0].reason).toBeInstanceOf(TransitionConflictError);
    expect(lost[0].reason.message).toMatch(/is already (approved|denied) by (Boss|Deputy) at 2026-/);
    const stored = await service().lookUp(request.id);
    expect(stored.audit.filter((a) => a.action === 'approve' || a.action === 'deny')).toHaveLength(1);
  });

  it('requires a reason to deny, and tells the requester the reason', async () => {
    const request = await ask();
    await expect(service().decide(request.id, 'deny', boss, '  ')).rejects.toThrow('A reason is required');
    await service().decide(request.id, 'deny', boss, 'Production accounts need a cost centre');
    await running.settle();
    const [denied] = notifier.to('jane@example.com', 'request-deny');
    expect(denied.text).toContain('Production accounts need a cost centre');
    expect(denied.text).toContain('Boss denied');
  });

  it('expires when nobody decides in time, and says so', async () => {
    const request = await ask();
    clock.advance(47 * HOUR);
    expect((await service().tend()).expired).toBe(0);
    clock.advance(1 * HOUR);
    expect((await service().tend()).expired).toBe(1);
    await running.settle();
    expect((await service().lookUp(request.id)).status).toBe('EXPIRED');
    expect(notifier.to('jane@example.com', 'request-expire')).toHaveLength(1);
    await expect(service().decide(request.id, 'approve', boss)).rejects.toThrow(/is already EXPIRED \(expire by Vending bot at /);
  });

  it('refuses a decision on a request past its expiry at the moment of the decision, before any sweep, and expires it', async () => {
    const request = await ask();
    clock.advance(48 * HOUR); // the sweep has not run: the request is still PENDING_APPROVAL in the store
    expect((await service().lookUp(request.id)).status).toBe('PENDING_APPROVAL');
    await expect(service().decide(request.id, 'approve', boss)).rejects.toThrow(RequestExpiredError);
    await running.settle();
    const stored = await service().lookUp(request.id);
    expect(stored.status).toBe('EXPIRED');
    expect(stored.decision).toBeUndefined();
    expect(factory.launched).toEqual([]);
  });

  it('reminds the approvers of a request that waits, backing off, and stops once decided', async () => {
    const request = await ask();
    const reminders = () => notifier.to('boss@example.com', 'approval-request').filter((m) => m.subject.startsWith('Reminder'));
    clock.advance(11 * HOUR);
    expect((await service().tend()).reminded).toBe(0);
    clock.advance(1 * HOUR);
    expect((await service().tend()).reminded).toBe(1);
    await running.settle();
    expect(reminders()).toHaveLength(1);
    expect(reminders()[0].text).toContain('still waiting for a decision');
    expect((await service().lookUp(request.id)).statusSince).toBe(request.statusSince); // a reminder keeps its place
    clock.advance(12 * HOUR); // the second reminder waits twice as long
    expect((await service().tend()).reminded).toBe(0);
    clock.advance(6 * HOUR);
    await service().decide(request.id, 'approve', boss);
    clock.advance(12 * HOUR);
    expect((await service().tend()).reminded).toBe(0);
    await running.settle();
    const stored = await service().lookUp(request.id);
    expect(stored.audit.map((a) => a.action)).toEqual(['create', 'remind', 'approve', 'start', 'record']);
  });

  it('provisions at most N at once; the rest wait in order and start when a slot frees', async () => {
    const ids: string[] = [];
    for (const team of ['a', 'b', 'c']) {
      const r = await ask(`team-${team}@example.com`, { accountName: `team-${team}` });
      await service().decide(r.id, 'approve', boss);
      ids.push(r.id);
      clock.advance(1000);
    }
    await running.settle();
    const statuses = async () => Promise.all(ids.map(async (id) => (await service().lookUp(id)).status));
    expect(await statuses()).toEqual(['PROVISIONING', 'PROVISIONING', 'APPROVED']);
    expect(factory.launched).toEqual(ids.slice(0, 2));

    await running.app.core.completeProvisioning({ accountName: 'team-a', state: 'SUCCEEDED', accountId: '111122223333' });
    await running.settle();
    expect(await statuses()).toEqual(['SUCCEEDED', 'PROVISIONING', 'PROVISIONING']);
    expect((await service().lookUp(ids[0])).provisioning).toMatchObject({ accountId: '111122223333', recordId: `rec-${ids[0]}` });
    const [ready] = notifier.to('jane@example.com', 'request-succeed');
    expect(ready.text).toContain('111122223333');
  });

  it('puts the request back in the queue when the factory is busy, and starts it later', async () => {
    factory.script = ['busy'];
    const r = await ask();
    await service().decide(r.id, 'approve', boss);
    await running.settle();
    const queued = await service().lookUp(r.id);
    expect(queued.status).toBe('APPROVED');
    expect(queued.provisioning?.notBefore).toBeDefined();
    expect(queued.audit.map((a) => a.action)).toEqual(['create', 'approve', 'start', 'requeue']);

    await running.app.core.tend();
    expect((await service().lookUp(r.id)).status).toBe('APPROVED'); // not before its time
    clock.advance(60_000);
    await running.app.core.tend();
    expect((await service().lookUp(r.id)).status).toBe('PROVISIONING');
    expect(factory.launched).toEqual([r.id]);
  });

  it('fails the request with the factory reason in plain words when the factory refuses it', async () => {
    factory.script = ['reject'];
    const r = await ask();
    await service().decide(r.id, 'approve', boss);
    await running.settle();
    expect(await service().lookUp(r.id)).toMatchObject({
      status: 'FAILED',
      provisioning: { failureReason: 'The account e-mail is already used by another AWS account' },
    });
    const [failed] = notifier.to('jane@example.com', 'request-fail');
    expect(failed.text).toContain('already used by another AWS account');
  });

  it('completes through the reconciler when the completion event never arrives', async () => {
    const r = await ask();
    await service().decide(r.id, 'approve', boss);
    await running.settle();
    factory.outcomes.set(`rec-${r.id}`, { state: 'SUCCEEDED', accountId: '444455556666' });
    await running.app.core.tend();
    await running.settle(); // the account's baseline (simulated) runs before it is ready
    expect(await service().lookUp(r.id)).toMatchObject({ status: 'SUCCEEDED', provisioning: { accountId: '444455556666' } });
  });

  it('relaunches, with the same request id, a provisioning call that failed on the way', async () => {
    factory.script = ['error'];
    const r = await ask();
    await service().decide(r.id, 'approve', boss);
    await running.settle();
    expect((await service().lookUp(r.id)).status).toBe('PROVISIONING');
    clock.advance(2 * 60_000);
    await running.app.core.tend();
    expect(factory.launched).toEqual([r.id]);
    expect((await service().lookUp(r.id)).provisioning?.recordId).toBe(`rec-${r.id}`);
  });

  it('loses no message when the notifier is down: it is retried from the stored state', async () => {
    notifier.failures = 3;
    const r = await ask();
    await running.settle();
    expect(notifier.sent).toHaveLength(0);
    expect((await service().lookUp(r.id)).status).toBe('PENDING_APPROVAL');
    clock.advance(60_000);
    await running.app.core.carryOutEffects();
    expect(notifier.to('boss@example.com', 'approval-request')).toHaveLength(1);
    expect(notifier.to('deputy@example.com', 'approval-request')).toHaveLength(1);
    expect(notifier.to('jane@example.com', 'request-create')).toHaveLength(1);
    clock.advance(60_000);
    await running.app.core.carryOutEffects();
    expect(notifier.sent).toHaveLength(3); // nothing sent twice
  });
});
