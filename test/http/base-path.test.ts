import { startApp } from '../support/app';

/** Behind an API Gateway stage every path has a prefix (PUBLIC_URL's path): pages and links follow it. */
describe('serving under a path prefix', () => {
  it('points every page and the post-decision redirect at the prefix', async () => {
    const running = await startApp({ PUBLIC_URL: 'https://abc123.execute-api.eu-west-1.amazonaws.com/api' });
    const chat = await (await fetch(`${running.baseUrl}/`)).text();
    expect(chat).toContain('<base href="/api/">');
    expect(chat).toContain('<script src="app.js" defer></script>');
    const outbox = await (await fetch(`${running.baseUrl}/outbox`)).text();
    expect(outbox).toContain('<base href="/api/">');
    expect(outbox).toContain('<link rel="stylesheet" href="style.css">');

    const say = (UserInput: string) =>
      fetch(`${running.baseUrl}/account`, {
        method: 'POST',
        body: JSON.stringify({ UserEmail: 'p@example.com', UserName: 'P', UserLastname: 'Q', UserInput }),
      }).then((r) => r.json() as Promise<Record<string, string>>);
    await say('a sandbox account in Demos for prefix@example.com');
    const { requestId } = await say('yes');
    await running.settle();
    const mail = (await running.app.core.sentMessages()!).find((m) => m.requestId === requestId && m.kind === 'approval-request')!;
    const link = /https:\S+/.exec(mail.text)![0];
    expect(link.startsWith('https://abc123.execute-api.eu-west-1.amazonaws.com/api/account/confirm/')).toBe(true);
    const token = link.split('/').pop()!;
    const res = await fetch(`${running.baseUrl}/account/confirm/${token}`, {
      method: 'POST',
      body: new URLSearchParams({ decision: 'approve' }),
      redirect: 'manual',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/api/account/confirm/${token}/result`);
    await running.stop();
  });
});
