import { eventually, type RunningApp, startApp } from '../support/app';

/**
 * GET /requests/:id is a page for browsers (Accept: text/html) and JSON for everyone else; the
 * requester's messages link to the page.
 */

const HTML = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

async function ask(running: RunningApp, email: string, headers: Record<string, string> = {}): Promise<string> {
  const turn = async (UserInput: string) =>
    (await (
      await fetch(`${running.baseUrl}/account`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ UserEmail: email, UserName: 'Rae', UserLastname: 'Reader', UserInput }),
      })
    ).json()) as { requestId?: string };
  await turn(`a sandbox account for ${email.replace('@', '-acct@')} in Demos`);
  const { requestId } = await turn('yes');
  if (!requestId) throw new Error('no request made');
  return requestId;
}

describe('the request page', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp();
  });
  afterAll(() => running.stop());

  it('is HTML for a browser: the state in plain words, a timeline with times, the details; and JSON for API clients', async () => {
    const id = await ask(running, 'rae@example.com');
    const page = await fetch(`${running.baseUrl}/requests/${id}`, { headers: HTML });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const body = await page.text();
    expect(body).toContain('data-status="PENDING_APPROVAL">Waiting for approval</span>');
    expect(body).not.toMatch(/>PENDING_APPROVAL</);
    expect(body).toMatch(/<li class="event" data-action="create" data-status="PENDING_APPROVAL">/);
    expect(body).toMatch(/<time datetime="\d{4}-\d\d-\d\dT[^"]+Z">/);
    expect(body).toContain('Requested</span>'.replace('</span>', ' by <strong>Rae Reader</strong></span>'));
    expect(body).toContain('data-live data-final="false"');
    expect(body).toContain('<script src="request-page.js" defer></script>');

    for (const accept of [undefined, 'application/json', '*/*', 'application/json, text/html;q=0.5']) {
      const res = await fetch(`${running.baseUrl}/requests/${id}`, { headers: accept ? { accept } : {} });
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(((await res.json()) as { id: string }).id).toBe(id);
    }
  });

  it('says plainly when a request does not exist', async () => {
    const res = await fetch(`${running.baseUrl}/requests/req-zzzz-00000000`, { headers: HTML });
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('No request with id req-zzzz-00000000');
  });

  it('is linked from every message to the requester, and shows who decided, the account id when ready, and that it is final', async () => {
    const id = await ask(running, 'linked@example.com');
    const sent = await eventually(async () => {
      const mine = (await running.app.core.sentMessages())?.filter((m) => m.requestId === id) ?? [];
      return mine.some((m) => m.kind === 'request-create') && mine.some((m) => m.kind === 'approval-request') && mine;
    });
    const received = sent.find((m) => m.kind === 'request-create');
    expect(received?.text).toContain(`Follow your request here: ${running.baseUrl}/requests/${id}`);
    const link = sent.find((m) => m.kind === 'approval-request')?.text.match(/https?:\/\/\S+/)?.[0] as string;
    await fetch(link, { method: 'POST', body: new URLSearchParams({ decision: 'approve' }), redirect: 'manual' });
    const done = await eventually(async () => {
      const text = await (await fetch(`${running.baseUrl}/requests/${id}`, { headers: HTML })).text();
      return text.includes('data-final="true"') && text;
    });
    expect(done).toMatch(/The account <strong>\d{12}<\/strong> is ready\./);
    expect(done.replace(/<wbr>/g, '')).toContain('data-testid="decided-by">Approved by approvers@example.com</span>');
    expect(done).toMatch(/data-action="succeed" data-status="SUCCEEDED">[\s\S]*Ready: account \d{12}/);
    expect(done).toContain('This is the final state: the page no longer updates.');
  });
});

describe('the request page behind an API key', () => {
  let keyed: RunningApp;
  beforeAll(async () => {
    keyed = await startApp({ API_KEY: 'page-test-key-0123456789' });
  });
  afterAll(() => keyed.stop());

  it('asks for the key in HTML instead of showing the request, and JSON still needs the key', async () => {
    const id = await ask(keyed, 'keyed@example.com', { 'x-api-key': 'page-test-key-0123456789' });
    const page = await fetch(`${keyed.baseUrl}/requests/${id}`, { headers: HTML });
    expect(page.status).toBe(401);
    const text = await page.text();
    expect(text).toContain('This server asks for an API key');
    expect(text).not.toContain(id);
    expect((await fetch(`${keyed.baseUrl}/requests/${id}`)).status).toBe(401);
    const withKey = await fetch(`${keyed.baseUrl}/requests/${id}`, { headers: { ...HTML, 'x-api-key': 'page-test-key-0123456789' } });
    expect(withKey.status).toBe(200);
    expect(await withKey.text()).toContain('Waiting for approval');
  });
});
