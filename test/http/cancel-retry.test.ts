import type { Actor, Requester } from '../../app/core/request/account-request';
import { eventually, linkSigner, type RunningApp, startApp } from '../support/app';

/**
 * Withdrawing and retrying over REST: POST /requests/:id/cancel and /retry. The sandbox factory
 * fails accounts whose e-mail matches SANDBOX_FAIL_PATTERN ("fail"), so a correction succeeds.
 */
const jane: Requester = { id: 'jane@example.com', email: 'jane@example.com', firstName: 'Jane', lastName: 'Doe' };
const asJane: Actor = { id: jane.id, email: jane.email, name: 'Jane Doe', door: 'web' };
const approver: Actor = { id: 'approvers@example.com', email: 'approvers@example.com', name: 'Approver', door: 'email-link' };

describe('cancel and retry over REST', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp({ APPROVER_EMAILS: 'approvers@example.com' });
  });
  afterAll(() => running.stop());

  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${running.baseUrl}${path}`, { method: 'POST', body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const ask = (accountEmail: string) =>
    running.app.core.ask({ requester: jane, accountType: 'Sandbox', accountEmail, accountOU: 'Demos' }, asJane);
  const statusOf = async (id: string) => (await running.app.core.lookUp(id)).status;
  const failed = async (accountEmail: string) => {
    const request = await ask(accountEmail);
    await running.app.core.decide(request.id, 'approve', approver);
    await eventually(async () => (await statusOf(request.id)) === 'FAILED');
    return request;
  };

  it('lets the requester withdraw a waiting request, and nobody else', async () => {
    const request = await ask('cancel-me@example.com');
    const stranger = await post(`/requests/${request.id}/cancel`, { UserEmail: 'mallory@example.com' });
    expect(stranger).toEqual({ status: 403, body: { error: 'Only the requester can cancel a request' } });

    const mine = await post(`/requests/${request.id}/cancel`, { UserEmail: 'Jane@example.com' });
    expect(mine.status).toBe(200);
    expect(mine.body.request).toMatchObject({ id: request.id, status: 'CANCELLED' });
    expect(mine.body.request.audit.at(-1)).toMatchObject({ action: 'cancel', actor: { id: 'jane@example.com', door: 'rest' } });

    const again = await post(`/requests/${request.id}/cancel`, { UserEmail: 'jane@example.com' });
    expect(again.status).toBe(409);
    expect(again.body.error).toContain(`Request ${request.id} is already CANCELLED`);
    // The e-mail is free again.
    await expect(ask('cancel-me@example.com')).resolves.toMatchObject({ status: 'PENDING_APPROVAL' });
  });

  it('lets exactly one of a cancel and an approval racing for a request win, and tells the other who did', async () => {
    for (let round = 0; round < 6; round++) {
      const request = await ask(`race-${round}@example.com`);
      const sign = linkSigner(running.dataDir).sign({
        requestId: request.id,
        approver: 'approvers@example.com',
        expiresAt: new Date(Date.now() + 3_600_000),
      });
      const approve = fetch(`${running.baseUrl}/account/confirm/${sign}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'decision=approve',
        redirect: 'manual',
      });
      const cancel = post(`/requests/${request.id}/cancel`, { UserEmail: 'jane@example.com' });
      const [approved, cancelled] = await Promise.all([approve, cancel]);
      const final = await running.app.core.lookUp(request.id);
      const decided = final.audit.filter((e) => e.action === 'approve' || e.action === 'cancel');
      expect(decided).toHaveLength(1);
      if (decided[0].action === 'cancel') {
        expect(cancelled.status).toBe(200);
        expect(approved.status).toBe(409);
      } else {
        expect(approved.status).toBe(303);
        expect(cancelled.status).toBe(409);
        expect(cancelled.body.error).toContain('APPROVED');
      }
    }
  });

  it('names what is wrong with a bad body, and what does not exist', async () => {
    expect(await post('/requests/req-nothing-here/cancel', {})).toEqual({
      status: 400,
      body: { error: 'UserEmail: UserEmail is required (a string)', field: 'UserEmail' },
    });
    expect((await post('/requests/req-nothing-here/cancel', { UserEmail: 'jane@example.com' })).status).toBe(404);
    const request = await ask('bad-retry@example.com');
    const res = await post(`/requests/${request.id}/retry`, { UserEmail: 'jane@example.com', accountEmail: 'not an e-mail' });
    expect(res.status).toBe(400);
    expect(res.body.field).toBe('accountEmail');
  });

  it('retries a failure unchanged as a new attempt of the same request, without a new approval', async () => {
    const request = await failed('fail-once@example.com');
    const pending = await ask('still-pending@example.com');
    expect((await post(`/requests/${pending.id}/retry`, { UserEmail: 'jane@example.com' })).status).toBe(409);
    expect((await post(`/requests/${request.id}/retry`, { UserEmail: 'mallory@example.com' })).status).toBe(403);

    const res = await post(`/requests/${request.id}/retry`, { UserEmail: 'approvers@example.com' }); // an approver may retry too
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ requestId: request.id, request: { status: 'APPROVED', retries: 1 } });
    // Same e-mail, same simulated failure: the audit shows both attempts.
    await eventually(async () => (await statusOf(request.id)) === 'FAILED');
    const stored = await running.app.core.lookUp(request.id);
    expect(stored.audit.map((a) => a.action)).toEqual(['create', 'approve', 'start', 'record', 'fail', 'retry', 'start', 'record', 'fail']);
    expect(stored.audit[5].reason).toMatch(/^Attempt 2, with the same details \(the last one failed: Sandbox Account Factory/);
  });

  it('retries with a corrected e-mail as a new request through the policy, which reaches SUCCEEDED; the failed one is retried once', async () => {
    const request = await failed('fail-typo@example.com');
    const res = await post(`/requests/${request.id}/retry`, { UserEmail: 'jane@example.com', accountEmail: 'fixed@example.com' });
    expect(res.status).toBe(201);
    const corrected = res.body.request;
    expect(corrected).toMatchObject({
      status: 'PENDING_APPROVAL', // changed details are approved again
      retryOf: request.id,
      account: { email: 'fixed@example.com', type: 'Sandbox' },
    });
    expect(corrected.id).not.toBe(request.id); // its own provision token
    expect(await running.app.core.lookUp(request.id)).toMatchObject({ status: 'FAILED', retriedAs: corrected.id });

    const twice = await post(`/requests/${request.id}/retry`, { UserEmail: 'jane@example.com', accountEmail: 'other@example.com' });
    expect(twice.status).toBe(409);
    expect(twice.body.error).toContain(`retried as ${corrected.id}`);

    await running.app.core.decide(corrected.id, 'approve', approver);
    await eventually(async () => (await statusOf(corrected.id)) === 'SUCCEEDED');
  });

  it('makes one correction however many retries race for it, and tells every racer which', async () => {
    const request = await failed('fail-race@example.com');
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        post(`/requests/${request.id}/retry`, { UserEmail: 'jane@example.com', accountEmail: 'race-fixed@example.com' }),
      ),
    );
    // Every racer is told of the one correction (or, once the failed request points at it, that it was retried).
    const made = new Set(answers.filter((a) => a.status === 201).map((a) => a.body.requestId));
    expect(made.size).toBe(1);
    // Any other answer is listed as it came (status and body), so that a failure says what it was.
    const others = answers.filter((a) => !(a.status === 201 || (a.status === 409 && a.body.error.includes('retried as'))));
    expect(others.map((a) => ({ status: a.status, body: a.body }))).toEqual([]);
    expect((await running.app.core.lookUp(request.id)).retriedAs).toBe([...made][0]);
  });
});
