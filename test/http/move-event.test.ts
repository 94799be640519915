import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseLifecycleEvent } from '../../app/adapters/control-tower/lifecycle-events';
import { SYSTEM } from '../../app/core/request/account-request';
import { eventually, type RunningApp, startApp } from '../support/app';
import { ScriptedFactory } from '../support/doubles';

/**
 * A move completes with Control Tower's UpdateManagedAccount event, as on AWS: the event names the
 * account, not the request, and the move request (which names its account from the start) is
 * the one it is about, even while another account is being made.
 */
const event = JSON.parse(
  readFileSync(join(__dirname, '..', 'aws', 'fixtures', 'controltower-update-managed-account-succeeded.json'), 'utf8'),
);
const ACCOUNT_ID: string = event.detail.serviceEventDetails.updateManagedAccountStatus.account.accountId;
const jane = { id: 'jane@example.com', email: 'jane@example.com', firstName: 'Jane', lastName: 'Doe' };
const asJane = { id: jane.id, email: jane.email, door: 'rest' as const };
const boss = { id: 'boss@example.com', email: 'boss@example.com', door: 'email-link' as const };

describe('a move completed by the UpdateManagedAccount lifecycle event', () => {
  let running: RunningApp;
  let factory: ScriptedFactory;
  beforeAll(async () => {
    factory = new ScriptedFactory();
    running = await startApp({ APPROVER_EMAILS: 'boss@example.com' }, { factory });
  });
  afterAll(() => running.stop());

  it('finds the move request by the account id the event names, and records the new OU', async () => {
    const { core } = running.app;
    const vend = await core.ask({ requester: jane, accountType: 'Sandbox', accountEmail: 'moved@example.com', accountOU: 'Demos' }, asJane);
    await core.decide(vend.id, 'approve', boss);
    await eventually(async () => factory.launched.includes(vend.id));
    factory.outcomes.set(`rec-${vend.id}`, { state: 'SUCCEEDED', accountId: ACCOUNT_ID });
    await eventually(async () => {
      await core.tend();
      return (await core.lookUp(vend.id)).status === 'SUCCEEDED';
    });
    // Another account is being made meanwhile: the event must not be taken for it.
    const other = await core.ask(
      { requester: jane, accountType: 'Sandbox', accountEmail: 'other@example.com', accountOU: 'Demos' },
      asJane,
    );
    await core.decide(other.id, 'approve', boss);

    const move = await core.askAboutAccount(
      ACCOUNT_ID,
      { kind: 'move-account', ou: 'Experiment' },
      { requester: jane, reason: 'grew up' },
      asJane,
    );
    await core.decide(move.id, 'approve', boss);
    await eventually(async () => factory.launched.includes(move.id) && (await core.lookUp(move.id)).provisioning?.recordId);

    const outcome = parseLifecycleEvent(event);
    expect(outcome).toMatchObject({ state: 'SUCCEEDED', accountId: ACCOUNT_ID });
    const completed = await core.completeProvisioning(outcome!, SYSTEM);
    expect(completed).toMatchObject({ id: move.id, status: 'SUCCEEDED' });
    expect((await core.lookUp(other.id)).status).toBe('PROVISIONING');
    expect(await core.account(ACCOUNT_ID)).toMatchObject({ ou: { name: 'Experiment' }, state: 'ACTIVE' });
  });

  it('retries a failed move as it is, with a token of its own, and refuses corrections (they are a new ask)', async () => {
    const { core } = running.app;
    factory.script.push('reject');
    const move = await core.askAboutAccount(ACCOUNT_ID, { kind: 'move-account', ou: 'Demos' }, { requester: jane, reason: 'back' }, asJane);
    await core.decide(move.id, 'approve', boss);
    await eventually(async () => (await core.lookUp(move.id)).status === 'FAILED');
    await expect(core.retry(move.id, asJane, { ou: 'Experiment' })).rejects.toThrow(/retried as it is/);
    const { request, created } = await core.retry(move.id, asJane);
    expect(created).toBe(false);
    expect(request).toMatchObject({ kind: 'move-account', retries: 1 });
    await eventually(async () => factory.launched.filter((id) => id === move.id).length === 1);
  });
});
