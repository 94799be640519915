import { TransitionConflictError } from '../../../app/core/errors';
import type { RequestStore } from '../../../app/core/ports/requests';
import type { AccountRequest, Actor } from '../../../app/core/request/account-request';
import { type Action, TRANSITIONS } from '../../../app/core/request/lifecycle';
import { Provisioner } from '../../../app/core/use-cases/provisioning';
import type { Transitions } from '../../../app/core/use-cases/transitions';
import { RecordingLogger } from '../../aws/fixtures/lex/recording-logger';
import { FakeDirectory } from '../../support/account-directory';
import { ScriptedFactory, TestClock } from '../../support/doubles';

/**
 * Provisioner.complete() with a Control Tower event: the event names an account (id and name, either
 * may be null), the Provisioner finds the request among those PROVISIONING, and an event it cannot
 * tie to one is not dropped: each request's own Account Factory record decides.
 */
const CONTROL_TOWER: Actor = { id: 'control-tower', name: 'AWS Control Tower', door: 'system' };

/** The requests as a store keeps them: only what the Provisioner reads and writes. */
class MemoryRequests {
  readonly items = new Map<string, AccountRequest>();
  async get(id: string) {
    const item = this.items.get(id);
    return item && structuredClone(item);
  }
  async listByStatus(status: string) {
    return [...this.items.values()].filter((r) => r.status === status).map((r) => structuredClone(r));
  }
}

/** Provisioning slots that remember which were given back. */
class MemorySlots {
  readonly released: string[] = [];
  async claim() {
    return true;
  }
  async release(id: string) {
    this.released.push(id);
  }
  async holders() {
    return [];
  }
}

/** Applies an action as the lifecycle table allows it, with its audit event, as Transitions does. */
function lifecycle(store: MemoryRequests, clock: TestClock) {
  return {
    async apply(request: AccountRequest, action: Action, actor: Actor, opts: { patch?: Partial<AccountRequest>; reason?: string } = {}) {
      const current = store.items.get(request.id)!;
      const { from, to } = TRANSITIONS[action];
      if (!(from as readonly string[]).includes(current.status)) throw new TransitionConflictError(current, from);
      const event = {
        at: clock.now().toISOString(),
        actor,
        action,
        from: current.status,
        to,
        ...(opts.reason ? { reason: opts.reason } : {}),
      };
      const updated = { ...current, ...opts.patch, status: to, audit: [...current.audit, event] } as AccountRequest;
      store.items.set(request.id, updated);
      return structuredClone(updated);
    },
  };
}

function provisioningRequest(id: string, name: string, email: string): AccountRequest {
  return {
    id,
    kind: 'new-account',
    status: 'PROVISIONING',
    version: 3,
    statusSince: '2026-03-02T09:00:00.000Z',
    createdAt: '2026-03-02T08:00:00.000Z',
    updatedAt: '2026-03-02T09:00:00.000Z',
    expiresAt: '2026-03-04T08:00:00.000Z',
    requester: { id: 'jane@example.com', email: 'jane@example.com', firstName: 'Jane', lastName: 'Doe' },
    account: {
      name,
      email,
      type: 'Sandbox',
      ou: { name: 'Demos' },
      sso: { email: 'jane@example.com', firstName: 'Jane', lastName: 'Doe' },
    },
    provisioning: { factory: 'scripted', recordId: `rec-${id}`, attempts: 1, startedAt: '2026-03-02T09:00:00.000Z' },
    audit: [],
  } as AccountRequest;
}

function setup(directory?: FakeDirectory) {
  const clock = new TestClock();
  const store = new MemoryRequests();
  const factory = new ScriptedFactory();
  const log = new RecordingLogger();
  for (const r of [
    provisioningRequest('req-a', 'team-a', 'team-a@example.com'),
    provisioningRequest('req-b', 'team-b', 'team-b@example.com'),
  ])
    store.items.set(r.id, r);
  const policy = { maxConcurrent: 5, busyBaseDelayMs: 30_000, busyMaxDelayMs: 900_000, relaunchAfterMs: 60_000 };
  const slots = new MemorySlots();
  const provisioner = new Provisioner(
    store as unknown as RequestStore,
    slots,
    factory,
    lifecycle(store, clock) as unknown as Transitions,
    clock,
    policy,
    log,
    directory,
  );
  const stored = (id: string) => store.items.get(id)!;
  return { provisioner, store, slots, factory, log, stored };
}

describe('completing a request from a Control Tower event', () => {
  it('a failure that names neither the account id nor its name fails the right request, through its Account Factory record', async () => {
    const { provisioner, factory, slots, stored } = setup();
    factory.outcomes.set('rec-req-b', { state: 'FAILED', message: 'The account e-mail is already used by another AWS account' });

    const matched = await provisioner.complete(
      { state: 'FAILED', message: 'AWS Control Tower failed to create a managed account.' },
      CONTROL_TOWER,
    );

    expect(matched).toBeUndefined(); // the event itself matched nothing...
    expect(stored('req-b')).toMatchObject({
      status: 'FAILED',
      provisioning: { failureReason: 'The account e-mail is already used by another AWS account' },
    });
    expect(stored('req-b').audit.at(-1)).toMatchObject({ action: 'fail', actor: CONTROL_TOWER });
    expect(stored('req-a').status).toBe('PROVISIONING'); // ...and the request whose record is still running is left alone
    expect(slots.released).toEqual(['req-b']);
  });

  it('a success without an account id completes the request with the account id of its record, never without one', async () => {
    const { provisioner, factory, stored } = setup();
    factory.outcomes.set('rec-req-a', { state: 'SUCCEEDED', accountId: '111122223333' });

    const done = await provisioner.complete({ accountName: 'team-a', state: 'SUCCEEDED' }, CONTROL_TOWER);

    expect(done).toMatchObject({ id: 'req-a', status: 'SUCCEEDED', provisioning: { accountId: '111122223333' } });
    expect(stored('req-a').audit.at(-1)).toMatchObject({ action: 'succeed', reason: 'Account 111122223333 ready' });
  });

  it('while that record is still in progress the request stays PROVISIONING, and the reconciler finishes it later', async () => {
    const { provisioner, factory, stored } = setup();

    await expect(provisioner.complete({ accountName: 'team-a', state: 'SUCCEEDED' }, CONTROL_TOWER)).resolves.toMatchObject({
      id: 'req-a',
      status: 'PROVISIONING',
    });
    expect(stored('req-a').status).toBe('PROVISIONING');

    factory.outcomes.set('rec-req-a', { state: 'SUCCEEDED', accountId: '111122223333' });
    await provisioner.reconcile();
    expect(stored('req-a')).toMatchObject({ status: 'SUCCEEDED', provisioning: { accountId: '111122223333' } });
  });

  it('without a directory, a success with an account id is matched by its name, as before', async () => {
    const { provisioner, stored, log } = setup();
    await expect(
      provisioner.complete({ accountName: 'team-b', accountId: '444455556666', state: 'SUCCEEDED' }, CONTROL_TOWER),
    ).resolves.toMatchObject({ id: 'req-b', status: 'SUCCEEDED' });
    expect(stored('req-b').provisioning?.accountId).toBe('444455556666');
    expect(log.at('warn').map((e) => e.msg)).toContainEqual(
      expect.stringContaining('matched by account name only: no account directory is configured'),
    );
  });

  describe("with the organization's directory", () => {
    const organization = () =>
      new FakeDirectory([
        { id: '111122223333', email: 'TEAM-A@example.com', name: 'team-a' },
        { id: '999988887777', email: 'someone-else@example.com', name: 'team-a' },
      ]);

    it('an event about an unrelated account with the same name as a request completes nothing', async () => {
      const { provisioner, stored } = setup(organization());
      await expect(
        provisioner.complete({ accountName: 'team-a', accountId: '999988887777', state: 'SUCCEEDED' }, CONTROL_TOWER),
      ).resolves.toBeUndefined();
      expect(stored('req-a').status).toBe('PROVISIONING');
      expect(stored('req-a').provisioning?.accountId).toBeUndefined();
    });

    it("the account's e-mail completes the request it belongs to, with the event's account id", async () => {
      const { provisioner, stored } = setup(organization());
      await expect(
        provisioner.complete({ accountName: 'renamed-in-organizations', accountId: '111122223333', state: 'SUCCEEDED' }, CONTROL_TOWER),
      ).resolves.toMatchObject({
        id: 'req-a',
        status: 'SUCCEEDED',
      });
      expect(stored('req-a').provisioning?.accountId).toBe('111122223333');
    });

    it("when the organization cannot be asked, nothing is completed by name: each request's record decides", async () => {
      const directory = organization();
      directory.failure = Object.assign(new Error('User is not authorized to perform: organizations:DescribeAccount'), {
        name: 'AccessDeniedException',
      });
      const { provisioner, factory, stored } = setup(directory);

      await expect(
        provisioner.complete({ accountName: 'team-a', accountId: '111122223333', state: 'SUCCEEDED' }, CONTROL_TOWER),
      ).resolves.toBeUndefined();
      expect(stored('req-a').status).toBe('PROVISIONING'); // its record is still in progress

      factory.outcomes.set('rec-req-a', { state: 'SUCCEEDED', accountId: '111122223333' });
      await provisioner.complete({ accountName: 'team-a', accountId: '111122223333', state: 'SUCCEEDED' }, CONTROL_TOWER);
      expect(stored('req-a')).toMatchObject({ status: 'SUCCEEDED', provisioning: { accountId: '111122223333' } });
    });
  });

  it('an outcome from the factory names its request and is recorded as it is; a repeat changes nothing', async () => {
    const { provisioner, stored } = setup(new FakeDirectory());
    await provisioner.complete({ requestId: 'req-b', accountName: 'team-b', state: 'SUCCEEDED', accountId: '210987654321' });
    expect(stored('req-b')).toMatchObject({ status: 'SUCCEEDED', provisioning: { accountId: '210987654321' } });
    const audit = stored('req-b').audit.length;
    await expect(provisioner.complete({ requestId: 'req-b', state: 'FAILED', message: 'late' })).resolves.toMatchObject({
      status: 'SUCCEEDED',
    });
    expect(stored('req-b').audit).toHaveLength(audit);
  });
});
