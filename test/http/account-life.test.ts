import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Actor, Requester } from '../../app/core/request/account-request';
import { eventually, type RunningApp, startApp } from '../support/app';
import { RecordingNotifier } from '../support/doubles';

/**
 * The account's life after it is vended, as people see it over REST: the accounts view, a move,
 * a close (through unmanaging and Organizations, to SUSPENDED, then CLOSED after 90 days, and the
 * close quota making one wait), and a sandbox lease with its extension, its reminders and the
 * close the bot asks for by itself when it ends. All on the sandbox factory and organization.
 */
const DAY = 86_400_000;
const jane: Requester = { id: 'jane@example.com', email: 'jane@example.com', firstName: 'Jane', lastName: 'Doe' };
const asJane: Actor = { id: jane.id, email: jane.email, name: 'Jane Doe', door: 'rest' };
const boss: Actor = { id: 'boss@example.com', email: 'boss@example.com', name: 'Boss', door: 'email-link' };
const janeBody = { UserEmail: 'jane@example.com', UserName: 'Jane', UserLastname: 'Doe' };

/** Real time moved forward by whole days when a spec says so (the sandbox's timers still run in real time). */
class TravellingClock {
  private offset = 0;
  now = () => new Date(Date.now() + this.offset);
  travel(days: number) {
    this.offset += days * DAY;
  }
}

async function post(running: RunningApp, path: string, body: unknown) {
  const res = await fetch(`${running.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}
const get = async (running: RunningApp, path: string) => {
  const res = await fetch(`${running.baseUrl}${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};
/** Until the request has this status, tending as the scheduled reconciler would. */
const reaches = (running: RunningApp, id: string, status: string) =>
  eventually(async () => {
    await running.app.core.tend();
    const { body } = await get(running, `/requests/${id}`);
    return body.status === status && body;
  });

async function vend(running: RunningApp, accountEmail: string): Promise<string> {
  const request = await running.app.core.ask({ requester: jane, accountType: 'Sandbox', accountEmail, accountOU: 'Demos' }, asJane);
  await running.app.core.decide(request.id, 'approve', boss);
  return (await reaches(running, request.id, 'SUCCEEDED')).accountId;
}

describe('accounts after vending: view, move, close, quota', () => {
  let running: RunningApp;
  let clock: TravellingClock;
  let notifier: RecordingNotifier;
  beforeAll(async () => {
    clock = new TravellingClock();
    notifier = new RecordingNotifier();
    running = await startApp(
      { APPROVER_EMAILS: 'boss@example.com', SANDBOX_LEASE_DAYS: '365', SANDBOX_CLOSE_QUOTA: '1' },
      { clock, notifier },
    );
  });
  afterAll(() => running.stop());

  let accountId: string;
  it('lists the accounts the bot vended for an owner, and shows one with its lease, tags and requests', async () => {
    accountId = await vend(running, 'team-a@example.com');
    const { body: list } = await get(running, '/accounts?email=jane@example.com');
    expect(list.accounts).toHaveLength(1);
    const { status, body: account } = await get(running, `/accounts/${accountId}`);
    expect(status).toBe(200);
    expect(account).toMatchObject({
      accountId,
      email: 'team-a@example.com',
      ou: { name: 'Demos' },
      owner: { email: 'jane@example.com' },
      state: 'ACTIVE',
      factory: 'sandbox',
      tags: { 'vending:owner': 'jane@example.com', 'vending:account-type': 'Sandbox' },
    });
    expect(Date.parse(account.leaseEndsAt) - Date.now()).toBeGreaterThan(364 * DAY);
    expect(account.requests.map((r: any) => r.kind)).toEqual(['new-account']);
  });

  it('says 404, with why, for an account the bot did not vend', async () => {
    for (const id of ['123456789012', 'not-an-id']) {
      const { status, body } = await get(running, `/accounts/${id}`);
      expect(status).toBe(404);
      expect(body.error).toMatch(/did not vend/);
    }
    expect((await post(running, '/accounts/123456789012/close', { ...janeBody, reason: 'done' })).status).toBe(404);
  });

  it('moves an account to another OU through the policy, one open request at a time', async () => {
    const stranger = await post(running, `/accounts/${accountId}/move`, {
      UserEmail: 'eve@example.com',
      UserName: 'Eve',
      UserLastname: 'X',
      ou: 'Experiment',
      reason: 'mine now',
    });
    expect(stranger.status).toBe(403);
    expect((await post(running, `/accounts/${accountId}/move`, { ...janeBody, ou: 'Demos', reason: 'x' })).body).toMatchObject({
      field: 'ou',
    });
    expect((await post(running, `/accounts/${accountId}/move`, { ...janeBody, ou: 'Experiment' })).status).toBe(400); // no reason
    const moved = await post(running, `/accounts/${accountId}/move`, {
      ...janeBody,
      ou: 'Experiment',
      reason: 'the demo became an experiment',
    });
    expect(moved.status).toBe(201);
    expect(moved.body.request).toMatchObject({
      kind: 'move-account',
      status: 'PENDING_APPROVAL',
      accountId,
      move: { fromOu: { name: 'Demos' } },
    });
    // Another ask while the move is open: 409, naming it.
    const meanwhile = await post(running, `/accounts/${accountId}/close`, { ...janeBody, reason: 'changed my mind' });
    expect(meanwhile.status).toBe(409);
    expect(meanwhile.body.error).toContain(moved.body.requestId);
    expect(notifier.to('boss@example.com').map((m) => m.subject)).toContainEqual(expect.stringContaining('move of AWS account'));

    await running.app.core.decide(moved.body.requestId, 'approve', boss);
    await reaches(running, moved.body.requestId, 'SUCCEEDED');
    const { body: account } = await get(running, `/accounts/${accountId}`);
    expect(account).toMatchObject({ ou: { name: 'Experiment' }, state: 'ACTIVE' });
    expect(account.requests.map((r: any) => r.kind)).toEqual(['move-account', 'new-account']);
  });

  it('files one request however many asks about an account race, and tells the others which', async () => {
    const raced = await vend(running, 'team-race@example.com');
    const asks = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        i % 2
          ? post(running, `/accounts/${raced}/close`, { ...janeBody, reason: `close ${i}` })
          : post(running, `/accounts/${raced}/move`, { ...janeBody, ou: 'Experiment', reason: `move ${i}` }),
      ),
    );
    const won = asks.filter((a) => a.status === 201);
    expect(won).toHaveLength(1);
    expect(asks.filter((a) => a.status === 409).map((a) => a.body.error)).toEqual(
      Array(7).fill(expect.stringContaining('already has an open request')),
    );
    expect((await get(running, `/accounts/${raced}`)).body.openRequest.id).toBe(won[0].body.requestId);
    await post(running, `/requests/${won[0].body.requestId}/cancel`, { UserEmail: 'jane@example.com' });
  });

  let closeId: string;
  it('closes an account: unmanaged, closed in Organizations, SUSPENDED, then CLOSED after 90 days', async () => {
    const close = await post(running, `/accounts/${accountId}/close`, { ...janeBody, reason: 'the experiment is over' });
    expect(close.status).toBe(201);
    closeId = close.body.requestId;
    await running.app.core.decide(closeId, 'approve', boss);
    const done = await reaches(running, closeId, 'SUCCEEDED');
    expect(done.closure).toMatchObject({ accountState: 'SUSPENDED' });
    expect(done.audit.map((e: any) => e.reason).join('\n')).toMatch(/unmanaged[\s\S]*CloseAccount accepted[\s\S]*closed \(SUSPENDED/);
    expect((await get(running, `/accounts/${accountId}`)).body.state).toBe('SUSPENDED');
    const again = await post(running, `/accounts/${accountId}/move`, { ...janeBody, ou: 'Demos', reason: 'back' });
    expect(again.status).toBe(409);
  });

  it('makes a close that would exceed the close quota wait in the queue, says so, and closes it later', async () => {
    const second = await vend(running, 'team-b@example.com');
    const close = await post(running, `/accounts/${second}/close`, { ...janeBody, reason: 'not needed' });
    await running.app.core.decide(close.body.requestId, 'approve', boss);
    const waiting = await eventually(async () => {
      await running.app.core.tend();
      const { body } = await get(running, `/requests/${close.body.requestId}`);
      return body.audit.some((e: any) => e.action === 'requeue') && body;
    });
    expect(waiting.status).toBe('APPROVED');
    expect(waiting.audit.at(-1).reason).toMatch(/quota.*waits in the queue/s);
    await eventually(async () => notifier.to('jane@example.com').find((m) => m.subject.startsWith('Waiting: closing')));
    expect((await get(running, `/accounts/${second}`)).body.state).toBe('CLOSING');

    clock.travel(31); // the first close leaves the rolling 30 days
    await reaches(running, close.body.requestId, 'SUCCEEDED');
    expect((await get(running, `/accounts/${second}`)).body.state).toBe('SUSPENDED');
    clock.travel(90);
    expect((await get(running, `/accounts/${accountId}`)).body.state).toBe('CLOSED');
  });
});

describe('sandbox leases', () => {
  let running: RunningApp;
  let clock: TravellingClock;
  let notifier: RecordingNotifier;
  beforeAll(async () => {
    clock = new TravellingClock();
    notifier = new RecordingNotifier();
    const policy = join(require('node:os').tmpdir(), `lease-policy-${process.pid}.yml`);
    writeFileSync(
      policy,
      [
        'rules:',
        '  - { name: closes-by-policy, match: { kind: close-account }, autoApprove: true }',
        '  - { name: default, stages: [{ approvers: approvers }] }',
      ].join('\n'),
    );
    running = await startApp(
      { APPROVER_EMAILS: 'boss@example.com', SANDBOX_LEASE_DAYS: '30', APPROVAL_POLICY: policy },
      { clock, notifier },
    );
  });
  afterAll(() => running.stop());

  it('extends a lease through the policy, reminds the owner a week and a day before the end, and closes the account when it ends', async () => {
    const accountId = await vend(running, 'lab@example.com');
    const firstEnd = Date.parse((await get(running, `/accounts/${accountId}`)).body.leaseEndsAt);

    const bad = await post(running, `/accounts/${accountId}/extend`, { UserEmail: 'jane@example.com', days: 0, reason: 'more' });
    expect(bad).toMatchObject({ status: 400, body: { field: 'days' } });
    const extend = await post(running, `/accounts/${accountId}/extend`, {
      UserEmail: 'jane@example.com',
      days: 10,
      reason: 'the demo moved',
    });
    expect(extend.status).toBe(201);
    await running.app.core.decide(extend.body.requestId, 'approve', boss);
    await reaches(running, extend.body.requestId, 'SUCCEEDED');
    const endsAt = (await get(running, `/accounts/${accountId}`)).body.leaseEndsAt;
    expect(Date.parse(endsAt) - firstEnd).toBe(10 * DAY);

    // The first lease's reminders and end pass: it was extended, so they do nothing.
    const reminders = () => notifier.to('jane@example.com').filter((m) => m.subject.startsWith('Lease ending'));
    clock.travel(30.01);
    await running.app.core.carryOutEffects();
    await running.settle();
    expect((await get(running, `/accounts/${accountId}`)).body).toMatchObject({ state: 'ACTIVE' });
    expect(reminders()).toHaveLength(0);

    clock.travel(3); // a week before the new end
    await eventually(async () => {
      await running.app.core.carryOutEffects();
      return reminders().length === 1;
    });
    expect(reminders()[0].text).toMatch(/in 7 day\(s\)[\s\S]*extend/);

    clock.travel(6); // a day before the new end
    await eventually(async () => {
      await running.app.core.carryOutEffects();
      return reminders().length === 2;
    });

    clock.travel(1.01); // the end: the bot asks for the close itself, and the policy approves it
    const closing = await eventually(async () => {
      await running.app.core.tend();
      const { body } = await get(running, `/accounts/${accountId}`);
      return body.requests.find((r: any) => r.kind === 'close-account');
    });
    const close = await reaches(running, closing.id, 'SUCCEEDED');
    expect(close.audit[0]).toMatchObject({ action: 'create', actor: { id: 'system' } });
    expect(close.audit[1]).toMatchObject({ action: 'approve', actor: { id: 'policy:closes-by-policy' } });
    expect(close.reason).toMatch(/lease ended/);
    expect((await get(running, `/accounts/${accountId}`)).body.state).toBe('SUSPENDED');
  });
});
