import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp } from '../support/app';

/** The embedded default keeps its state under DATA_DIR: a restart loses no conversation and no request. */
describe('restarting the embedded product', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'vending-restart-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const say = (base: string, UserInput: string) =>
    fetch(`${base}/account`, {
      method: 'POST',
      body: JSON.stringify({ UserEmail: 'kim@example.com', UserName: 'Kim', UserLastname: 'Lee', UserInput }),
    }).then((r) => r.json() as Promise<Record<string, any>>);

  it('continues a conversation and keeps requests, messages and the approval secret', async () => {
    const first = await startApp({}, { dataDir, keepData: true });
    await say(first.baseUrl, 'I want a new account');
    await say(first.baseUrl, 'production');
    const secret = readFileSync(join(dataDir, 'approval-secret'), 'utf8');
    await first.stop();

    const second = await startApp({}, { dataDir, keepData: true });
    expect((await say(second.baseUrl, 'kim-prod@example.com')).slots).toEqual({
      AccountType: 'Production',
      RootEmail: 'kim-prod@example.com',
    });
    await say(second.baseUrl, 'Experiment');
    const { requestId } = await say(second.baseUrl, 'yes');
    await second.settle();
    const [approval] = (await second.app.core.sentMessages()!).filter((m) => m.kind === 'approval-request');
    await second.stop();

    const third = await startApp({}, { dataDir, keepData: true });
    const stored = (await (await fetch(`${third.baseUrl}/requests/${requestId}`)).json()) as { status: string };
    expect(stored.status).toBe('PENDING_APPROVAL');
    expect(readFileSync(join(dataDir, 'approval-secret'), 'utf8')).toBe(secret);
    // The link sent before the restarts still opens the request.
    const link = /\/account\/confirm\/\S+/.exec(approval.text)![0];
    expect((await fetch(`${third.baseUrl}${link}`)).status).toBe(200);
    expect(readFileSync(join(dataDir, 'outbox.jsonl'), 'utf8').trim().split('\n').length).toBeGreaterThanOrEqual(2);
    await third.stop();
  });
});
