import type { ProvisioningOutcome } from '../../../app/core/ports/account-factory';
import type { AccountRequest } from '../../../app/core/request/account-request';
import { matchOutcome } from '../../../app/core/use-cases/provisioning-match';
import { RecordingLogger } from '../../aws/fixtures/lex/recording-logger';
import { FakeDirectory } from '../../support/account-directory';

/**
 * Which request a provisioning outcome is about. Control Tower events name the account (id and
 * name, either may be null), never the request; Organizations keeps names unique to nobody, e-mails
 * unique to one account. The candidates are the PROVISIONING requests.
 */
function provisioning(id: string, name: string, email: string, accountId?: string): AccountRequest {
  return {
    id,
    kind: 'new-account',
    status: 'PROVISIONING',
    version: 4,
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
    provisioning: { factory: 'service-catalog', recordId: `rec-${id}`, attempts: 1, ...(accountId ? { accountId } : {}) },
    audit: [],
  } as AccountRequest;
}

const teamA = provisioning('req-a', 'team-a', 'team-a@example.com');
const teamB = provisioning('req-b', 'team-b', 'team-b@example.com');
const candidates = [teamA, teamB];
const succeeded = (account: Partial<ProvisioningOutcome>): ProvisioningOutcome => ({ state: 'SUCCEEDED', ...account });

/** The organization: team-a's new account, and someone else's account that is also called team-a. */
const organization = () =>
  new FakeDirectory([
    { id: '111122223333', email: 'Team-A@Example.com', name: 'team-a', status: 'ACTIVE' },
    { id: '999988887777', email: 'someone-else@example.com', name: 'team-a', status: 'ACTIVE' },
  ]);

let log: RecordingLogger;
beforeEach(() => {
  log = new RecordingLogger();
});

describe('matching a provisioning outcome to its request', () => {
  it('an outcome from the factory names its request: that request, whatever the account says', async () => {
    const match = await matchOutcome({ requestId: 'req-b', accountName: 'team-a', state: 'FAILED' }, candidates, organization(), log);
    expect(match).toMatchObject({ request: teamB, by: 'request-id' });
    expect(await matchOutcome({ requestId: 'req-x', state: 'FAILED' }, candidates, organization(), log)).toEqual({
      by: 'none',
      reason: 'request req-x is unknown',
    });
  });

  it('an account id a request already knows decides, without asking the organization', async () => {
    const directory = organization();
    const knows = provisioning('req-c', 'team-c', 'team-c@example.com', '444455556666');
    const match = await matchOutcome(succeeded({ accountId: '444455556666', accountName: 'team-a' }), [teamA, knows], directory, log);
    expect(match).toMatchObject({ request: knows, by: 'account-id' });
    expect(directory.asked).toEqual([]);
  });

  it("otherwise the account's e-mail in the organization decides, in any letter case, whatever the name", async () => {
    const directory = organization();
    // The account may be renamed in Organizations; its e-mail still says whose it is.
    const match = await matchOutcome(succeeded({ accountId: '111122223333', accountName: 'renamed' }), candidates, directory, log);
    expect(match).toMatchObject({ request: teamA, by: 'email', reason: 'account 111122223333 has the e-mail of request req-a' });
    expect(directory.asked).toEqual(['111122223333']);
  });

  it('an unrelated account with the same name as a request does not complete it, and the log says so', async () => {
    const match = await matchOutcome(succeeded({ accountId: '999988887777', accountName: 'team-a' }), candidates, organization(), log);
    expect(match.request).toBeUndefined();
    expect(match.by).toBe('none');
    expect(match.reason).toContain('999988887777 (someone-else@example.com, "team-a") belongs to no provisioning request');
    expect(log.at('warn')).toEqual([
      expect.objectContaining({
        obj: expect.objectContaining({ by: 'none', accountId: '999988887777', accountName: 'team-a' }),
        msg: expect.stringContaining('matches no request'),
      }),
    ]);
  });

  it('a null account id (a failure event) falls back to the name, and the log says why', async () => {
    const directory = organization();
    const match = await matchOutcome(
      { accountName: 'TEAM-A', state: 'FAILED', message: 'Could not create the account' },
      candidates,
      directory,
      log,
    );
    expect(match).toEqual({
      request: teamA,
      by: 'name',
      reason: 'the event carries no account id; request req-a is the only provisioning request named "TEAM-A"',
    });
    expect(directory.asked).toEqual([]);
    expect(log.at('warn')).toEqual([
      {
        level: 'warn',
        obj: expect.objectContaining({ by: 'name', requestId: 'req-a' }),
        msg: `provisioning outcome matched by account name only: ${match.reason}`,
      },
    ]);
  });

  it('without a directory, the name decides, and the reason says there is none', async () => {
    const match = await matchOutcome(succeeded({ accountId: '111122223333', accountName: 'team-b' }), candidates, undefined, log);
    expect(match).toMatchObject({ request: teamB, by: 'name' });
    expect(match.reason).toMatch(/^no account directory is configured/);
  });

  it('an account the organization does not have (a failed creation leaves none) falls back to the name', async () => {
    const match = await matchOutcome(
      { accountId: '123456789012', accountName: 'team-b', state: 'FAILED' },
      candidates,
      organization(),
      log,
    );
    expect(match).toMatchObject({ request: teamB, by: 'name' });
    expect(match.reason).toMatch(/^the organization has no account 123456789012/);
  });

  it('the name decides only when exactly one provisioning request has it, and not one that knows another account id', async () => {
    const twin = provisioning('req-a2', 'Team-A', 'twin@example.com');
    expect(await matchOutcome({ accountName: 'team-a', state: 'FAILED' }, [teamA, twin], undefined, log)).toMatchObject({
      by: 'none',
      reason: 'the event carries no account id, and 2 provisioning requests are named "team-a"',
    });
    expect(await matchOutcome({ accountName: 'team-z', state: 'FAILED' }, candidates, undefined, log)).toMatchObject({ by: 'none' });
    const elsewhere = provisioning('req-d', 'team-d', 'team-d@example.com', '555566667777');
    expect(await matchOutcome(succeeded({ accountId: '111122223333', accountName: 'team-d' }), [elsewhere], undefined, log)).toMatchObject({
      by: 'none',
    });
  });

  it("an outcome with neither account id nor name matches nothing (the caller follows each request's record)", async () => {
    const match = await matchOutcome(
      { state: 'FAILED', message: 'AWS Control Tower failed to create a managed account.' },
      candidates,
      organization(),
      log,
    );
    expect(match).toEqual({ by: 'none', reason: 'the event carries no account id, and no account name' });
  });

  it.each([
    ['an outage', Object.assign(new Error('connect ETIMEDOUT 52.94.4.1:443'), { name: 'TimeoutError' })],
    [
      'a missing permission',
      Object.assign(new Error('not authorized to perform: organizations:DescribeAccount'), { name: 'AccessDeniedException' }),
    ],
  ])('when the organization cannot be asked (%s), nothing matches, not even by name, and the reason says why', async (_what, failure) => {
    const directory = organization();
    directory.failure = failure;
    const match = await matchOutcome(succeeded({ accountId: '111122223333', accountName: 'team-a' }), candidates, directory, log);
    expect(match.request).toBeUndefined();
    expect(match.by).toBe('none');
    expect(match.reason).toBe(`describing account 111122223333 failed (${failure.message}); not matching by name`);
    expect(log.at('warn').map((e) => e.obj)).toContainEqual(expect.objectContaining({ err: failure, accountId: '111122223333' }));
  });
});
