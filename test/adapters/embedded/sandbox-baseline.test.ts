import { SandboxAccountBaseline } from '../../../app/adapters/embedded/sandbox-baseline';
import { BaselineRejectedError } from '../../../app/core/errors';
import type { AccessGrant, BudgetSpec } from '../../../app/core/ports/account-baseline';

const ACCOUNT_ID = '123456789012';
const AT = '2026-03-02T09:00:00.000Z';
const clock = { now: () => new Date(AT) };

const grant: AccessGrant = {
  instanceArn: 'arn:aws:sso:::instance/ssoins-7223a1b2c3d4e5f6',
  permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-7223a1b2c3d4e5f6/ps-0a1b2c3d4e5f6a7b',
  identityStoreId: 'd-90670ab1c2',
  principal: { type: 'USER', userName: 'ana@example.com' },
};
const budget: BudgetSpec = { name: `vending-${ACCOUNT_ID}-monthly`, amountUsd: 100, alertAtPercent: 80, notify: ['ana@example.com'] };
const contact = { name: 'Cloud Security', title: 'Security team', email: 'security@example.com', phone: '+1 206 555 0100' };

describe('SandboxAccountBaseline: the simulated baseline', () => {
  it('is the sandbox kind', () => {
    expect(new SandboxAccountBaseline().kind).toBe('sandbox');
  });

  it('records each step it would have done, with its account and details, in order', async () => {
    const sandbox = new SandboxAccountBaseline({ clock });
    await sandbox.tagAccount(ACCOUNT_ID, { 'vending:owner': 'ana@example.com' });
    await sandbox.putAlternateContact(ACCOUNT_ID, 'SECURITY', contact);
    await sandbox.grantAccess(ACCOUNT_ID, grant);
    await sandbox.createBudget(ACCOUNT_ID, budget);

    expect(sandbox.done).toEqual([
      { step: 'tagAccount', accountId: ACCOUNT_ID, at: AT, details: { tags: { 'vending:owner': 'ana@example.com' } } },
      { step: 'putAlternateContact', accountId: ACCOUNT_ID, at: AT, details: { type: 'SECURITY', contact } },
      { step: 'grantAccess', accountId: ACCOUNT_ID, at: AT, details: grant },
      { step: 'createBudget', accountId: ACCOUNT_ID, at: AT, details: budget },
    ]);
  });

  it('keeps its own copy of what it was given, and lists what it did for one account', async () => {
    const sandbox = new SandboxAccountBaseline({ clock });
    const tags = { team: 'a' };
    await sandbox.tagAccount(ACCOUNT_ID, tags);
    await sandbox.tagAccount('210987654321', { team: 'b' });
    tags.team = 'changed';
    expect(sandbox.doneFor(ACCOUNT_ID)).toEqual([{ step: 'tagAccount', accountId: ACCOUNT_ID, at: AT, details: { tags: { team: 'a' } } }]);
  });

  it('a retried identical step is listed once, as the real one would exist once', async () => {
    const sandbox = new SandboxAccountBaseline({ clock });
    await sandbox.createBudget(ACCOUNT_ID, budget);
    await sandbox.createBudget(ACCOUNT_ID, budget);
    expect(sandbox.done).toHaveLength(1);
  });

  it('data containing "fail" fails with a plain Error the first failTimes times, then the step works', async () => {
    const sandbox = new SandboxAccountBaseline({ clock, failTimes: 2 });
    const failing = { ...budget, notify: ['fail@example.com'] };

    for (const attempt of [1, 2]) {
      const err = await sandbox.createBudget(ACCOUNT_ID, failing).catch((e) => e);
      expect(err).toBeInstanceOf(Error);
      expect(err).not.toBeInstanceOf(BaselineRejectedError);
      expect(err.message).toBe(
        `Sandbox baseline: createBudget for account ${ACCOUNT_ID} failed (attempt ${attempt}): its data matches /fail/i (simulated failure)`,
      );
    }
    await expect(sandbox.createBudget(ACCOUNT_ID, failing)).resolves.toBeUndefined();
    expect(sandbox.done).toEqual([{ step: 'createBudget', accountId: ACCOUNT_ID, at: AT, details: failing }]);
  });

  it('counts failures per step, account and data: another step of the same account is not affected', async () => {
    const sandbox = new SandboxAccountBaseline({ clock, failTimes: 1 });
    await expect(sandbox.tagAccount(ACCOUNT_ID, { team: 'FAIL-fast' })).rejects.toThrow('simulated failure');
    await expect(sandbox.grantAccess(ACCOUNT_ID, grant)).resolves.toBeUndefined();
    await expect(sandbox.tagAccount(ACCOUNT_ID, { team: 'FAIL-fast' })).resolves.toBeUndefined();
  });

  it('failTimes Infinity fails every time, so a step that keeps failing can be tried', async () => {
    const sandbox = new SandboxAccountBaseline({ clock, failTimes: Number.POSITIVE_INFINITY });
    for (let i = 0; i < 5; i++) {
      await expect(sandbox.putAlternateContact(ACCOUNT_ID, 'BILLING', { ...contact, name: 'fail' })).rejects.toThrow('simulated failure');
    }
    expect(sandbox.done).toEqual([]);
  });

  it('data containing "reject" is refused for good (BaselineRejectedError), however often it is tried', async () => {
    const sandbox = new SandboxAccountBaseline({ clock });
    const rejected = { ...grant, principal: { type: 'USER' as const, userName: 'reject-me@example.com' } };
    for (let i = 0; i < 3; i++) {
      await expect(sandbox.grantAccess(ACCOUNT_ID, rejected)).rejects.toThrow(BaselineRejectedError);
    }
    await expect(sandbox.grantAccess(ACCOUNT_ID, rejected)).rejects.toThrow(
      `Sandbox baseline: grantAccess for account ${ACCOUNT_ID} refused: its data matches /reject/i (simulated refusal)`,
    );
    expect(sandbox.done).toEqual([]);
  });

  it('takes other patterns when configured', async () => {
    const sandbox = new SandboxAccountBaseline({ clock, failPattern: /boom/, rejectPattern: /never/, failTimes: 1 });
    await expect(sandbox.tagAccount(ACCOUNT_ID, { note: 'fail reject' })).resolves.toBeUndefined();
    await expect(sandbox.tagAccount(ACCOUNT_ID, { note: 'boom' })).rejects.toThrow('matches /boom/');
    await expect(sandbox.tagAccount(ACCOUNT_ID, { note: 'never' })).rejects.toThrow(BaselineRejectedError);
  });
});
