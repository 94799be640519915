import { eventually, linkSigner, type RunningApp, startApp } from '../support/app';
import { TestClock } from '../support/doubles';

const requester = { UserEmail: 'jane@example.com', UserName: 'Jane', UserLastname: 'Doe' };

/** Creates a request over REST and returns its id and the approval links from the outbox. */
async function requestAccount(running: RunningApp, accountEmail: string) {
  const say = async (UserInput: string) =>
    (await (
      await fetch(`${running.baseUrl}/account`, { method: 'POST', body: JSON.stringify({ ...requester, UserInput }) })
    ).json()) as Record<string, any>;
  await say(`a sandbox account in Demos for ${accountEmail}`);
  const { requestId } = await say('yes');
  await running.settle();
  const mails = (await running.app.core.sentMessages()!).filter((m) => m.requestId === requestId && m.kind === 'approval-request');
  const links = Object.fromEntries(mails.map((m) => [m.to, /https?:\/\/\S+\/account\/confirm\/\S+/.exec(m.text)![0]]));
  return { requestId: requestId as string, links };
}

const getStatus = async (running: RunningApp, id: string) =>
  ((await (await fetch(`${running.baseUrl}/requests/${id}`)).json()) as { status: string }).status;
const decide = (link: string, form: Record<string, string>) =>
  fetch(link, { method: 'POST', body: new URLSearchParams(form), redirect: 'manual' });

describe('approval by e-mail link', () => {
  let running: RunningApp;
  const clock = new TestClock(new Date());
  beforeAll(async () => {
    running = await startApp({ APPROVER_EMAILS: 'boss@example.com,deputy@example.com,jane@example.com' }, { clock });
  });
  afterAll(() => running.stop());

  it('sends each approver but the requester a signed link to the request', async () => {
    const { links } = await requestAccount(running, 'links@example.com');
    expect(Object.keys(links).sort()).toEqual(['boss@example.com', 'deputy@example.com']);
    expect(links['boss@example.com']).toMatch(new RegExp(`^${running.baseUrl}/account/confirm/[\\w-]+\\.[\\w-]+$`));
  });

  it('shows the request and a form on GET, and GET changes nothing', async () => {
    const { requestId, links } = await requestAccount(running, 'get-only@example.com');
    for (let i = 0; i < 2; i++) {
      const res = await fetch(links['boss@example.com']);
      expect(res.status).toBe(200);
      const page = (await res.text()).replace(/<wbr>/g, '');
      expect(page).toContain('link as <strong>boss@example.com</strong>');
      expect(page).toContain('get-only@example.com');
      expect(page).toMatch(/<form method="post"/);
    }
    expect(await getStatus(running, requestId)).toBe('PENDING_APPROVAL');
    const stored = (await (await fetch(`${running.baseUrl}/requests/${requestId}`)).json()) as { audit: unknown[] };
    expect(stored.audit).toHaveLength(1);
  });

  it('approves on POST, then shows the request going on to SUCCEEDED with a sandbox account id', async () => {
    const { requestId, links } = await requestAccount(running, 'approve-me@example.com');
    const res = await decide(links['boss@example.com'], { decision: 'approve' });
    expect(res.status).toBe(303);
    const result = `${running.baseUrl}${res.headers.get('location')}`;
    const waiting = await (await fetch(result)).text();
    // Who decided, by name, and no full-page refresh: the page's script updates the live region.
    expect(waiting).toContain('Approved by <strong>boss@example.com</strong>');
    expect(waiting).not.toContain('http-equiv="refresh"');
    expect(waiting).toContain('<script src="request-page.js" defer></script>');
    const page = await eventually(async () => {
      const text = await (await fetch(result)).text();
      return text.includes('data-status="SUCCEEDED">Ready') && text;
    });
    expect(page).toMatch(/data-testid="account-id">\d{12}<\/span> <span class="badge">sandbox/);
    expect(page).toMatch(/data-live data-final="true"/);
    const stored = (await (await fetch(`${running.baseUrl}/requests/${requestId}`)).json()) as Record<string, any>;
    expect(stored.decision).toMatchObject({ outcome: 'approved', by: { email: 'boss@example.com', door: 'email-link' } });
  });

  it('says who decided first when a link is used after the decision', async () => {
    const { links } = await requestAccount(running, 'late@example.com');
    await decide(links['deputy@example.com'], { decision: 'approve' });
    const late = await decide(links['boss@example.com'], { decision: 'deny', reason: 'too late' });
    expect(late.status).toBe(409);
    expect(await late.text()).toMatch(/already approved by deputy@example.com at \d{4}-/);
    const opened = await fetch(links['boss@example.com']);
    expect(opened.status).toBe(409);
  });

  it('lets exactly one of two simultaneous decisions win', async () => {
    const { requestId, links } = await requestAccount(running, 'race@example.com');
    const [a, b] = await Promise.all([
      decide(links['boss@example.com'], { decision: 'approve' }),
      decide(links['deputy@example.com'], { decision: 'deny', reason: 'no budget' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([303, 409]);
    const stored = (await (await fetch(`${running.baseUrl}/requests/${requestId}`)).json()) as { audit: Array<{ action: string }> };
    expect(stored.audit.filter((e) => e.action === 'approve' || e.action === 'deny')).toHaveLength(1);
  });

  it('needs a reason to deny, and passes it on to the requester', async () => {
    const { requestId, links } = await requestAccount(running, 'deny-me@example.com');
    const noReason = await decide(links['boss@example.com'], { decision: 'deny', reason: '' });
    expect(noReason.status).toBe(400);
    expect(await noReason.text()).toContain('A reason is required to deny a request');
    // Only invisible characters (zero-width space, word joiner, BOM) is no reason either.
    const invisible = await decide(links['boss@example.com'], { decision: 'deny', reason: '\u200b\u2060\ufeff \u200b' });
    expect(invisible.status).toBe(400);
    expect(await invisible.text()).toContain('A reason is required to deny a request');
    expect(await getStatus(running, requestId)).toBe('PENDING_APPROVAL');
    expect((await decide(links['boss@example.com'], { decision: 'deny', reason: 'Use the team sandbox' })).status).toBe(303);
    await running.settle();
    const told = (await running.app.core.sentMessages()!).find((m) => m.requestId === requestId && m.kind === 'request-deny');
    expect(told?.text).toContain('Reason: Use the team sandbox');
  });

  it('refuses an unknown decision with a 400 naming it', async () => {
    const { links } = await requestAccount(running, 'odd@example.com');
    const res = await decide(links['boss@example.com'], { decision: 'maybe' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Choose Approve or Deny');
  });

  it('refuses altered and malformed links, and changes nothing', async () => {
    const { requestId, links } = await requestAccount(running, 'forge@example.com');
    const link = links['boss@example.com'];
    const forged = link.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    const res = await decide(forged, { decision: 'approve' });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('has been altered');
    expect((await fetch(`${running.baseUrl}/account/confirm/garbage`)).status).toBe(400);
    expect(await getStatus(running, requestId)).toBe('PENDING_APPROVAL');
  });

  it('refuses a validly signed link for the requester themself or for someone not an approver', async () => {
    const { requestId } = await requestAccount(running, 'self@example.com');
    const sign = (approver: string) =>
      `${running.baseUrl}/account/confirm/${linkSigner(running.dataDir).sign({ requestId, approver, expiresAt: new Date(Date.now() + 3_600_000) })}`;
    const own = await decide(sign('jane@example.com'), { decision: 'approve' });
    expect(own.status).toBe(403);
    expect(await own.text()).toContain('your own request');
    const stranger = await decide(sign('mallory@example.com'), { decision: 'approve' });
    expect(stranger.status).toBe(403);
    expect(await getStatus(running, requestId)).toBe('PENDING_APPROVAL');
  });

  it('shows an expired link as expired, with the request state', async () => {
    const { requestId, links } = await requestAccount(running, 'expire@example.com');
    clock.advance(49 * 3_600_000);
    await running.app.core.tend();
    const res = await decide(links['boss@example.com'], { decision: 'approve' });
    expect(res.status).toBe(410);
    expect(await res.text()).toMatch(/expired at .*The request is now EXPIRED \(expire by Vending bot at /s);
    expect(await getStatus(running, requestId)).toBe('EXPIRED');
  });
});
