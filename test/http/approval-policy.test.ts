import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, type RunningApp, startApp } from '../support/app';

/**
 * The approval policy through the doors people use: requests over REST, decisions through the
 * personal e-mail links. The policy is the README's example (manifest/approval-policy.example.yml):
 * Sandbox in Experiment for the platform team approves itself; Production needs ccoe, then all of
 * security, and only platform or ccoe may ask; anything else needs ccoe.
 */
const EXAMPLE = join(__dirname, '..', '..', 'manifest', 'approval-policy.example.yml');

async function say(running: RunningApp, email: string, UserInput: string) {
  const res = await fetch(`${running.baseUrl}/account`, {
    method: 'POST',
    body: JSON.stringify({ UserEmail: email, UserName: 'Pat', UserLastname: 'Asker', UserInput }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

/** Asks in one sentence and confirms; returns the created request id and what the confirmation said. */
async function ask(running: RunningApp, requester: string, sentence: string) {
  const confirm = await say(running, requester, sentence);
  const done = await say(running, requester, 'yes');
  return { confirm: confirm.body.response as string, requestId: done.body.requestId as string, done };
}

const messages = async (running: RunningApp, requestId: string, kind: string) =>
  (await running.app.core.sentMessages()!).filter((m) => m.requestId === requestId && m.kind === kind);
const linksOf = async (running: RunningApp, requestId: string) =>
  Object.fromEntries(
    (await messages(running, requestId, 'approval-request')).map((m) => [m.to, /https?:\/\/\S+\/account\/confirm\/\S+/.exec(m.text)![0]]),
  );
const decide = (link: string, form: Record<string, string>) =>
  fetch(link, { method: 'POST', body: new URLSearchParams(form), redirect: 'manual' });
const progressOf = async (running: RunningApp, id: string) =>
  (await (await fetch(`${running.baseUrl}/requests/${id}`)).json()) as Record<string, any>;

describe('approval policy (REST and e-mail links)', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp({ APPROVAL_POLICY: EXAMPLE });
  });
  afterAll(() => running.stop());

  it('approves a Sandbox in Experiment for the platform team by itself, says so before and in the audit, and tells ccoe for information', async () => {
    const { confirm, requestId } = await ask(
      running,
      'pat.platform@example.com',
      'a sandbox account in Experiment for pat-sbx@example.com',
    );
    expect(confirm).toContain('approved by policy sandbox-self-service');
    const ready = await eventually(async () => {
      const r = await progressOf(running, requestId);
      return r.status === 'SUCCEEDED' && r;
    });
    expect(ready.audit.map((e: any) => [e.action, e.actor.name])).toEqual(
      expect.arrayContaining([['approve', 'policy sandbox-self-service']]),
    );
    expect(ready.approval).toMatchObject({
      rule: 'sandbox-self-service',
      autoApproved: true,
      summary: 'approved by policy sandbox-self-service',
    });
    await running.settle();
    expect(await messages(running, requestId, 'approval-request')).toEqual([]);
    expect((await messages(running, requestId, 'approval-info')).map((m) => m.to).sort()).toEqual([
      'ana.ccoe@example.com',
      'ben.ccoe@example.com',
    ]);
  });

  it('asks stage 2 only once stage 1 approved, and then needs all of security', async () => {
    const { confirm, requestId } = await ask(
      running,
      'pat@platform.example.com',
      'a production account in Demos for payments-prod@example.com',
    );
    expect(confirm).toContain('needs approval from ccoe, then all of security');
    await running.settle();
    const first = await linksOf(running, requestId);
    expect(Object.keys(first).sort()).toEqual(['ana.ccoe@example.com', 'ben.ccoe@example.com']);

    expect((await decide(first['ben.ccoe@example.com'], { decision: 'approve' })).status).toBe(303);
    await running.settle();
    const afterStage1 = await progressOf(running, requestId);
    expect(afterStage1.status).toBe('PENDING_APPROVAL');
    expect(afterStage1.approval.stages).toMatchObject([
      { stage: 1, groups: ['ccoe'], state: 'done', approvedBy: [{ person: 'ben.ccoe@example.com' }] },
      { stage: 2, groups: ['security'], quorum: 'all', state: 'current', waitingFor: ['sec@example.com', 'sam.sec@example.com'] },
    ]);
    // The other ccoe approver's link is for a stage that is over: it changes nothing and says why.
    const late = await decide(first['ana.ccoe@example.com'], { decision: 'approve' });
    expect(late.status).toBe(409);
    expect(await late.text()).toContain('Stage 1 (ccoe) is already complete');

    const second = await linksOf(running, requestId);
    expect(Object.keys(second).sort()).toEqual(['ana.ccoe@example.com', 'ben.ccoe@example.com', 'sam.sec@example.com', 'sec@example.com']);
    expect((await decide(second['sec@example.com'], { decision: 'approve' })).status).toBe(303);
    expect((await progressOf(running, requestId)).status).toBe('PENDING_APPROVAL'); // security: all of them
    expect((await decide(second['sam.sec@example.com'], { decision: 'approve' })).status).toBe(303);
    const approved = await progressOf(running, requestId);
    expect(approved.status).not.toBe('PENDING_APPROVAL');
    expect(approved.audit.map((e: any) => e.action).slice(0, 4)).toEqual(['create', 'advance-stage', 'approve-stage', 'approve']);
    expect(approved.decision).toMatchObject({ outcome: 'approved', by: { email: 'sam.sec@example.com' } });
  });

  it('denies at stage 2 when one of security denies', async () => {
    const { requestId } = await ask(running, 'pat@platform.example.com', 'a production account in Demos for deny-prod@example.com');
    await running.settle();
    await decide((await linksOf(running, requestId))['ana.ccoe@example.com'], { decision: 'approve' });
    await running.settle();
    const res = await decide((await linksOf(running, requestId))['sam.sec@example.com'], {
      decision: 'deny',
      reason: 'No production data here',
    });
    expect(res.status).toBe(303);
    await running.settle();
    expect(await progressOf(running, requestId)).toMatchObject({
      status: 'DENIED',
      decision: { outcome: 'denied', reason: 'No production data here' },
    });
    expect((await messages(running, requestId, 'request-deny'))[0].text).toContain('No production data here');
  });

  it('refuses someone who may not ask for a Production account, saying who may, and stores nothing', async () => {
    const { confirm, done } = await ask(running, 'someone@example.com', 'a production account in Demos for not-allowed@example.com');
    expect(confirm).toContain('Only platform or ccoe may ask for this');
    expect(done.status).toBe(403);
    expect(done.body.response).toContain('Only platform or ccoe may ask for this (approval rule production)');
    expect(done.body.requestId).toBeUndefined();
    expect((await (await fetch(`${running.baseUrl}/requests?email=someone@example.com`)).json()).requests).toEqual([]);
  });

  it('counts each approver once when two approvers of one stage decide at once, and never over-counts a quorum', async () => {
    const { requestId } = await ask(running, 'pat@platform.example.com', 'a production account in Demos for race-prod@example.com');
    await running.settle();
    const first = await linksOf(running, requestId);
    const [ana, ben] = await Promise.all([
      decide(first['ana.ccoe@example.com'], { decision: 'approve' }),
      decide(first['ben.ccoe@example.com'], { decision: 'approve' }),
    ]);
    expect([ana.status, ben.status].sort()).toEqual([303, 409]); // a quorum of 1: one counts, the other is told the stage is done
    await running.settle();
    const second = await linksOf(running, requestId);
    const both = await Promise.all([
      decide(second['sec@example.com'], { decision: 'approve' }),
      decide(second['sam.sec@example.com'], { decision: 'approve' }),
    ]);
    expect(both.map((r) => r.status)).toEqual([303, 303]); // quorum all: both count
    const r = await progressOf(running, requestId);
    expect(r.audit.filter((e: any) => ['approve-stage', 'advance-stage', 'approve'].includes(e.action)).map((e: any) => e.action)).toEqual([
      'advance-stage',
      'approve-stage',
      'approve',
    ]);
    expect(r.approval.stages.map((s: any) => s.approvedBy.length)).toEqual([1, 2]);
  });
});

describe('approval policy: one person in two stages', () => {
  let running: RunningApp;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vending-policy-'));
    const file = join(dir, 'policy.yml');
    writeFileSync(
      file,
      [
        'groups:',
        '  leads: { emails: [lee@example.com, kim@example.com] }',
        '  owners: { emails: [lee@example.com, max@example.com] }',
        'rules:',
        '  - name: two-keys',
        '    match: {}',
        '    stages:',
        '      - { approvers: leads, quorum: 1 }',
        '      - { approvers: owners, quorum: all }',
      ].join('\n'),
    );
    running = await startApp({ APPROVAL_POLICY: file });
  });
  afterAll(() => running.stop());

  it('counts them once: their approval of stage 1 is not asked again in stage 2, where everyone else must approve', async () => {
    const { requestId } = await ask(running, 'pat@example.com', 'a sandbox account in Demos for once@example.com');
    await running.settle();
    await decide((await linksOf(running, requestId))['lee@example.com'], { decision: 'approve' });
    await running.settle();
    const stage2 = (await progressOf(running, requestId)).approval.stages[1];
    expect(stage2).toMatchObject({ state: 'current', waitingFor: ['max@example.com'] });
    // Lee's link (from stage 1) cannot approve stage 2 too.
    const again = await decide((await linksOf(running, requestId))['lee@example.com'], { decision: 'approve' });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('You already approved this request at stage 1');
    expect((await decide((await linksOf(running, requestId))['max@example.com'], { decision: 'approve' })).status).toBe(303);
    expect((await progressOf(running, requestId)).status).not.toBe('PENDING_APPROVAL');
  });
});
