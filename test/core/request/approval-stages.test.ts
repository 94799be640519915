import type { Actor, Requester } from '../../../app/core/request/account-request';
import type { ApprovalPolicy } from '../../../app/core/request/approval-policy';
import { policySchema } from '../../../app/core/request/approval-policy-schema';
import {
  type ApprovalRecord,
  approvalSummary,
  emailsToAsk,
  refusalOf,
  waitingFor,
  withApproval,
} from '../../../app/core/request/approval-stages';
import { planApproval } from '../../../app/core/use-cases/approval-plan';

/** The rules of stages, quorums and who counts, on the records the planner lays out from a policy. */
const policy: ApprovalPolicy = policySchema.parse({
  groups: {
    ccoe: { emails: ['ana@example.com', 'ben@example.com'], slack: ['U0ANA', 'U0BEN'] },
    security: { emails: ['sec@example.com', 'ana@example.com', 'pat@example.com'] },
    platform: { domains: ['platform.example.com'] },
  },
  rules: [
    { name: 'sandbox', match: { accountType: 'Sandbox', ou: ['Experiment'], requester: 'platform' }, autoApprove: true, inform: ['ccoe'] },
    {
      name: 'production',
      match: { accountType: 'Production' },
      requesters: ['platform', 'ccoe'],
      stages: [
        { approvers: 'ccoe', quorum: 1 },
        { approvers: 'security', quorum: 'all' },
      ],
    },
    { name: 'default', match: {}, stages: [{ approvers: 'ccoe', quorum: 2 }] },
  ],
});

const pat: Requester = { id: 'pat@example.com', email: 'pat@example.com', firstName: 'Pat', lastName: 'Platform' };
const platformPat: Requester = { ...pat, id: 'p@platform.example.com', email: 'p@platform.example.com' };
const by = (email: string): Actor => ({ id: email, email, name: email.split('@')[0], door: 'email-link' });
const account = (type: 'Sandbox' | 'Production', ou = 'Demos') => ({
  name: '',
  email: 'root@example.com',
  type,
  ou: { name: ou, id: `ou-${ou}` },
  sso: pat,
});
const plan = (type: 'Sandbox' | 'Production', requester: Requester, ou = 'Demos') =>
  planApproval(policy, { kind: 'new-account', account: account(type, ou), requester });
const approve = (record: ApprovalRecord, email: string, requester = platformPat) =>
  withApproval(record, by(email), '2026-12-01T00:00:00.000Z', requester);

describe('approval stages', () => {
  it('approves by policy when the rule says so, and names who is told for information', async () => {
    const record = await plan('Sandbox', platformPat, 'Experiment');
    expect(record).toMatchObject({ rule: 'sandbox', autoApproved: true, stages: [] });
    expect(record.informed?.emails).toEqual(['ana@example.com', 'ben@example.com']);
    expect(approvalSummary(record)).toBe('approved by policy sandbox');
  });

  it('refuses a requester outside the rule, naming who may ask', async () => {
    await expect(plan('Production', pat)).rejects.toThrow('Only platform or ccoe may ask for this (approval rule production).');
  });

  it('refuses a rule whose stage can never reach its quorum for this requester', async () => {
    const ana = { ...pat, id: 'ana@example.com', email: 'ana@example.com' };
    // default needs 2 of ccoe; ana is one of the two and never counts on her own request.
    await expect(plan('Sandbox', ana)).rejects.toThrow('needs 2 approvers from ccoe, but only 1 can decide');
  });

  it('asks only the current stage, and moves on when its quorum is reached', async () => {
    const record = await plan('Production', platformPat);
    expect(approvalSummary(record)).toBe('needs approval from ccoe, then all of security');
    expect(emailsToAsk(record, platformPat)).toEqual(['ana@example.com', 'ben@example.com']);
    const first = approve(record, 'ben@example.com');
    expect(first).toMatchObject({ stageDone: true, allDone: false, record: { current: 1 } });
    expect(emailsToAsk(first.record, platformPat)).toEqual(['sec@example.com', 'ana@example.com', 'pat@example.com']);
  });

  it('needs every person of an `all` stage but the requester, and counts a person once across stages', async () => {
    const record = await plan('Production', platformPat);
    const stage1 = approve(record, 'ana@example.com').record;
    // ana counted in stage 1; stage 2 (all of security) waits for the two others only.
    expect(waitingFor(stage1, platformPat)).toMatchObject({ stage: 2, quorum: 'all', people: ['sec@example.com', 'pat@example.com'] });
    const half = approve(stage1, 'sec@example.com');
    expect(half).toMatchObject({ stageDone: false, allDone: false });
    expect(approve(half.record, 'pat@example.com')).toMatchObject({ stageDone: true, allDone: true });
  });

  it('says why someone may not decide now: already counted, stage over, turn to come, or no approver', async () => {
    const record = await plan('Production', platformPat);
    expect(await refusalOf(record, by('ben@example.com'))).toBeUndefined();
    expect(await refusalOf(record, by('sec@example.com'))).toEqual({
      approver: true,
      message: 'Your turn comes at stage 2, after ccoe approve. Nothing was changed.',
    });
    const after = approve(record, 'ben@example.com').record;
    expect((await refusalOf(after, by('ben@example.com')))?.message).toBe(
      'You already approved this request at stage 1; each person counts once.',
    );
    expect(await refusalOf(after, by('ana@example.com'))).toBeUndefined(); // ana is in security too
    expect(await refusalOf(after, { id: 'U0BEN', name: 'Ben', door: 'slack' })).toEqual({
      approver: true,
      message: 'Stage 1 (ccoe) is already complete; it waits for security now. Nothing was changed.',
    });
    expect(await refusalOf(after, by('mallory@example.com'))).toEqual({
      approver: false,
      message: 'mallory is not an approver of this request (rule production).',
    });
  });

  it('never over-counts a numeric quorum: the stage is complete at exactly its quorum', async () => {
    const record = await plan('Sandbox', platformPat);
    const one = approve(record, 'ana@example.com');
    expect(one).toMatchObject({ stageDone: false });
    const two = approve(one.record, 'ben@example.com');
    expect(two).toMatchObject({ stageDone: true, allDone: true });
    expect(two.record.stages[0].approvals.map((a) => a.person)).toEqual(['ana@example.com', 'ben@example.com']);
  });
});
