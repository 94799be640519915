import { join } from 'node:path';
import type { Actor, Requester } from '../../../app/core/request/account-request';
import { type RunningApp, startApp } from '../../support/app';
import { RecordingNotifier, TestClock } from '../../support/doubles';

/** Reminders and expiry follow the stage being waited for (the README's example policy). */
const EXAMPLE = join(__dirname, '..', '..', '..', 'manifest', 'approval-policy.example.yml');
const HOUR = 3_600_000;
const pat: Requester = { id: 'pat@platform.example.com', email: 'pat@platform.example.com', firstName: 'Pat', lastName: 'Platform' };
const asPat: Actor = { id: pat.id, email: pat.email, name: 'Pat Platform', door: 'web' };
const ben: Actor = { id: 'ben.ccoe@example.com', email: 'ben.ccoe@example.com', name: 'Ben', door: 'email-link' };

describe('reminders and expiry of a request in stages', () => {
  let running: RunningApp;
  let clock: TestClock;
  let notifier: RecordingNotifier;
  beforeEach(async () => {
    clock = new TestClock();
    notifier = new RecordingNotifier();
    running = await startApp({ APPROVAL_POLICY: EXAMPLE, APPROVAL_REMINDER_HOURS: '12' }, { clock, notifier });
  });
  afterEach(() => running.stop());

  const core = () => running.app.core;
  const reminded = (to: string) => notifier.to(to, 'approval-request').filter((m) => m.subject.startsWith('Reminder'));
  const production = () =>
    core().ask({ requester: pat, accountType: 'Production', accountEmail: 'prod@example.com', accountOU: 'Demos' }, asPat);

  it('reminds the stage being waited for, and gives a new stage its own time', async () => {
    const request = await production();
    clock.advance(12 * HOUR);
    expect((await core().tend()).reminded).toBe(1);
    await running.settle();
    expect(reminded('ana.ccoe@example.com')).toHaveLength(1);
    expect(reminded('sec@example.com')).toHaveLength(0);

    clock.advance(1 * HOUR);
    await core().decide(request.id, 'approve', ben);
    await running.settle();
    expect(notifier.to('sec@example.com', 'approval-request')).toHaveLength(1); // asked when stage 2 began
    clock.advance(11 * HOUR);
    expect((await core().tend()).reminded).toBe(0); // stage 2 started 11 hours ago
    clock.advance(1 * HOUR);
    expect((await core().tend()).reminded).toBe(1);
    await running.settle();
    expect(reminded('sec@example.com')).toHaveLength(1);
    expect(reminded('sam.sec@example.com')).toHaveLength(1);
    expect(reminded('ana.ccoe@example.com')).toHaveLength(1); // stage 1 is done: no second reminder
  });

  it('expires a stage that waits past its own time, though the request began earlier', async () => {
    const request = await production();
    clock.advance(40 * HOUR);
    await core().decide(request.id, 'approve', ben);
    clock.advance(40 * HOUR); // 80 hours after creation, 40 after stage 2 began: still in time
    await core().tend();
    expect((await core().lookUp(request.id)).status).toBe('PENDING_APPROVAL');
    clock.advance(9 * HOUR);
    await core().tend();
    expect((await core().lookUp(request.id)).status).toBe('EXPIRED');
  });
});
