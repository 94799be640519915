import nock from 'nock';
import { loadConfig } from '../../app/boot/config';
import { startApp } from '../support/app';
import { FakeSlack, SLACK_ENV } from '../support/slack';

describe('how the Slack door turns on', () => {
  it('is off without credentials, and says so', async () => {
    const running = await startApp();
    const health = (await (await fetch(`${running.baseUrl}/healthz`)).json()) as { ports: { slack: string } };
    expect(health.ports.slack).toMatch(/^off \(set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN/);
    expect((await fetch(`${running.baseUrl}/slack/events`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect(running.app.doors.map((d) => d.name)).not.toContain('slack');
    await running.stop();
  });

  it('runs over HTTP with a signing secret and a bot token', () => {
    expect(loadConfig(SLACK_ENV).slackMode).toBe('http');
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1' }).slackMode).toBe('off');
  });

  it('uses Socket Mode when an app-level token is set, without a public endpoint', async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    new FakeSlack({}); // answers auth.test, which Bolt calls on creation
    const env = { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_APP_TOKEN: 'xapp-1-test', SLACK_API_URL: SLACK_ENV.SLACK_API_URL };
    expect(loadConfig(env).slackMode).toBe('socket');
    const running = await startApp(env); // not started: connecting needs Slack
    const slack = running.app.doors.find((d) => d.name === 'slack') as { mode?: string; routes?: unknown } | undefined;
    expect(slack?.mode).toBe('socket');
    expect(slack?.routes).toBeUndefined();
    expect((await fetch(`${running.baseUrl}/slack/events`, { method: 'POST', body: '{}' })).status).toBe(404);
    await running.stop();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('refuses tokens of the wrong kind, naming the setting', () => {
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxp-user-token' })).toThrow('Invalid setting SLACK_BOT_TOKEN: must be a bot token');
    expect(() => loadConfig({ APPROVERS: 'boss@example.com' })).toThrow('Invalid setting APPROVERS');
    expect(() => loadConfig({ SLACK_APPROVAL_CHANNEL: '#approvals' })).toThrow('Invalid setting SLACK_APPROVAL_CHANNEL');
  });
});
