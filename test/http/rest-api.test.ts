import { type RunningApp, startApp } from '../support/app';

const user = { UserEmail: 'user@yourdomain.com', UserName: 'TestUser-Name', UserLastname: 'TestUser-LastName' };

async function post(base: string, body: unknown, headers: Record<string, string> = {}) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(`${base}/account`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: raw });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

describe('REST door: POST /account, compatible with the 2021 solution', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp();
  });
  afterAll(() => running.stop());

  it('answers the 2021 Postman request exactly, echoing the raw body as initial-params', async () => {
    const raw =
      '{"UserEmail": "user@yourdomain.com","UserName":"TestUser-Name","UserLastname": "TestUser-LastName","UserInput": "Hi, I would like a new account please!"}';
    const res = await post(running.baseUrl, raw);
    expect(res.status).toBe(200);
    expect(res.body.response).toBe('Hi TestUser-Name, what account type do you want? Production or Sandbox?');
    expect(res.body['initial-params']).toBe(raw);
  });

  it('starts over with the same greeting when the opening is said again mid-conversation', async () => {
    const again = { ...user, UserEmail: 'again@example.com' };
    await post(running.baseUrl, { ...again, UserInput: 'I would like a new account' });
    await post(running.baseUrl, { ...again, UserInput: 'Production' });
    const res = await post(running.baseUrl, { ...again, UserInput: 'Hi, I would like a new account please!' });
    expect(res.body.response).toBe('Hi TestUser-Name, what account type do you want? Production or Sandbox?');
    expect(res.body.slots).toEqual({});
  });

  it('walks through type, root e-mail, OU and confirmation to a stored request', async () => {
    const turn = async (UserInput: string) => (await post(running.baseUrl, { ...user, UserEmail: 'walk@example.com', UserInput })).body;
    expect((await turn('I would like a new account')).response).toContain('Production or Sandbox?');
    expect((await turn('Sandbox')).response).toContain('e-mail address');
    expect((await turn('walk-team@example.com')).response).toContain('Experiment or Demos');
    const confirm = await turn('Demos');
    expect(confirm.response).toBe(
      'TestUser-Name, shall I request a Sandbox account named sandbox-testuser-name-testuser-lastname for walk-team@example.com in the Demos OU? It needs approval from approvers. (yes/no)',
    );
    const done = await turn('yes');
    expect(done.response).toMatch(/^New account request created/);
    expect(done.requestId).toMatch(/^req-/);

    const stored = await fetch(`${running.baseUrl}/requests/${done.requestId}`);
    expect(stored.status).toBe(200);
    expect(await stored.json()).toMatchObject({
      id: done.requestId,
      status: 'PENDING_APPROVAL',
      account: { name: 'sandbox-testuser-name-testuser-lastname', email: 'walk-team@example.com', type: 'Sandbox', ou: { name: 'Demos' } },
      requester: { email: 'walk@example.com', firstName: 'TestUser-Name' },
      audit: [{ action: 'create', actor: { door: 'rest' } }],
    });
  });

  it('fills several slots from one sentence', async () => {
    const res = await post(running.baseUrl, {
      ...user,
      UserEmail: 'one@example.com',
      UserInput: 'I need a production account in Experiment for prod-team@example.com',
    });
    expect(res.body.state).toBe('ConfirmIntent');
    expect(res.body.slots).toEqual({ AccountType: 'Production', AccountOU: 'Experiment', RootEmail: 'prod-team@example.com' });
  });

  it.each([
    [{ UserName: 'A', UserLastname: 'B', UserInput: 'hi' }, 'UserEmail'],
    [{ ...user, UserEmail: 'not-an-email' }, 'UserEmail'],
    [{ UserEmail: 'a@example.com', UserLastname: 'B', UserInput: 'hi' }, 'UserName'],
    [{ UserEmail: 'a@example.com', UserName: 'A', UserInput: 'hi' }, 'UserLastname'],
    [{ ...user }, 'UserInput'],
    [{ ...user, UserInput: '   ' }, 'UserInput'],
    [{ ...user, UserInput: 42 }, 'UserInput'],
  ])('answers 400 naming the field for %o', async (body, field) => {
    const res = await post(running.baseUrl, body);
    expect(res.status).toBe(400);
    expect(res.body.field).toBe(field);
    expect(res.body.error).toContain(field);
  });

  it.each([
    ['{"UserEmail": ', 'not valid JSON'],
    ['[1,2]', 'JSON object'],
    ['"text"', 'JSON object'],
    ['', 'empty'],
  ])('answers 400 for a body that is not a JSON object: %s', async (raw, message) => {
    const res = await post(running.baseUrl, raw);
    expect(res.status).toBe(400);
    expect(res.body.error).toContain(message);
  });

  it('answers 413 for a body over 64 KiB and stores nothing', async () => {
    const res = await post(running.baseUrl, { ...user, UserEmail: 'big@example.com', UserInput: 'x'.repeat(70 * 1024) });
    expect(res.status).toBe(413);
    expect(res.body.error).toContain('64 KiB');
    const list = await fetch(`${running.baseUrl}/requests?email=big@example.com`);
    expect(((await list.json()) as { requests: unknown[] }).requests).toEqual([]);
  });

  it('answers 404 for an unknown request id and for an unknown route', async () => {
    const res = await fetch(`${running.baseUrl}/requests/req-nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'No request with id req-nope' });
    expect((await fetch(`${running.baseUrl}/nope`)).status).toBe(404);
  });

  it('answers /healthz with the ports in use', async () => {
    const res = await fetch(`${running.baseUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: 'ok',
      ports: { accountFactory: expect.stringContaining('SANDBOX'), dialog: expect.stringContaining('embedded') },
    });
  });

  it('keeps one conversation per person: two people in parallel do not mix', async () => {
    const a = { ...user, UserEmail: 'alice@example.com', UserName: 'Alice' };
    const b = { ...user, UserEmail: 'bob@example.com', UserName: 'Bob' };
    await post(running.baseUrl, { ...a, UserInput: 'new account please' });
    await post(running.baseUrl, { ...b, UserInput: 'new account please' });
    expect((await post(running.baseUrl, { ...a, UserInput: 'production' })).body.slots).toEqual({ AccountType: 'Production' });
    expect((await post(running.baseUrl, { ...b, UserInput: 'sandbox' })).body.slots).toEqual({ AccountType: 'Sandbox' });
  });

  it('refuses a second open request for the same account e-mail in plain words', async () => {
    const say = async (who: string, UserInput: string) => (await post(running.baseUrl, { ...user, UserEmail: who, UserInput })).body;
    await say('first@example.com', 'a sandbox account in Demos for shared@example.com');
    const first = await say('first@example.com', 'yes');
    await say('second@example.com', 'a sandbox account in Demos for shared@example.com');
    const second = await say('second@example.com', 'yes');
    expect(second.response).toContain(`An open request for shared@example.com already exists: ${first.requestId}`);
    expect(second.requestId).toBeUndefined();
  });
});

describe('REST door with an API key', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp({ API_KEY: 'k3y-for-portals' });
  });
  afterAll(() => running.stop());

  it('requires x-api-key on every REST route', async () => {
    const body = { ...user, UserInput: 'hi' };
    expect((await post(running.baseUrl, body)).status).toBe(401);
    expect((await post(running.baseUrl, body, { 'x-api-key': 'wrong' })).status).toBe(401);
    expect((await post(running.baseUrl, body, { 'x-api-key': 'k3y-for-portals' })).status).toBe(200);
    expect((await fetch(`${running.baseUrl}/requests/req-x`)).status).toBe(401);
    expect((await fetch(`${running.baseUrl}/requests/req-x`, { headers: { 'x-api-key': 'k3y-for-portals' } })).status).toBe(404);
    expect((await fetch(`${running.baseUrl}/requests?email=a@example.com`)).status).toBe(401);
  });

  it('checks the key before reading the body, so bad input without a key is still 401', async () => {
    expect((await post(running.baseUrl, 'not json')).status).toBe(401);
  });
});
