import nock from 'nock';
import { type RunningApp, startApp } from '../support/app';
import { eventCallback, FakeSlack, interaction, SLACK_ENV, sendEvent } from '../support/slack';

/**
 * When Lex is down the person is told plainly, nothing is created, and Slack offers the form,
 * which does not depend on Lex. The Lex endpoint is set by the standard SDK setting.
 */
describe('Lex outage', () => {
  let running: RunningApp;
  let slack: FakeSlack;
  const saved = { ...process.env };

  beforeAll(async () => {
    Object.assign(process.env, {
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_ENDPOINT_URL_LEX_RUNTIME_V2: 'https://lex.test',
      AWS_MAX_ATTEMPTS: '1',
    });
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    nock('https://lex.test')
      .persist()
      .post(/\/bots\/VENDBOT001\/botAliases\/TSTALIASID\/botLocales\/en_US\/sessions\/.+\/text/)
      .reply(
        429,
        { message: 'Rate exceeded' },
        { 'x-amzn-ErrorType': 'ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.availability/' },
      );
    slack = new FakeSlack({ UJANE: { email: 'jane@example.com', real_name: 'Jane Doe', first_name: 'Jane', last_name: 'Doe' } });
    running = await startApp({ ...SLACK_ENV, LEX_BOT_ID: 'VENDBOT001', LEX_BOT_ALIAS_ID: 'TSTALIASID' });
  });
  afterAll(async () => {
    await running.stop();
    process.env = saved;
  });

  it('uses Lex when it is configured', async () => {
    const health = (await (await fetch(`${running.baseUrl}/healthz`)).json()) as { ports: { dialog: string } };
    expect(health.ports.dialog).toMatch(/^lex \(bot VENDBOT001/);
  });

  it('answers REST with a 503 that says so in plain words, and stores nothing', async () => {
    const res = await fetch(`${running.baseUrl}/account`, {
      method: 'POST',
      body: JSON.stringify({
        UserEmail: 'jane@example.com',
        UserName: 'Jane',
        UserLastname: 'Doe',
        UserInput: 'a sandbox account in Demos for x@example.com',
      }),
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('30');
    const body = (await res.json()) as Record<string, string>;
    expect(body.response).toMatch(/^Sorry Jane, I cannot hold a conversation right now \(Amazon Lex is busy/);
    expect(body.error).toBe(body.response);
    expect(await running.app.core.requestsOf('jane@example.com')).toEqual([]);
  });

  it('offers the request form in Slack, and the form opens without Lex', async () => {
    await sendEvent(
      running.baseUrl,
      eventCallback({
        type: 'message',
        channel: 'DJANE',
        channel_type: 'im',
        user: 'UJANE',
        text: 'I need an account',
        ts: '1700000300.000100',
      }),
    );
    await running.settle();
    const [reply] = slack.of('chat.postMessage');
    expect(reply.text).toContain('cannot hold a conversation right now');
    const button = reply.blocks.find((b: any) => b.type === 'actions').elements[0];
    expect(button).toMatchObject({ action_id: 'open_vend_modal', text: { text: 'Open the request form' } });

    await interaction(running.baseUrl, {
      type: 'block_actions',
      user: { id: 'UJANE', username: 'jane', name: 'jane', team_id: 'T0001' },
      api_app_id: 'A0001',
      token: 't',
      container: { type: 'message', message_ts: '1700000300.000200', channel_id: 'DJANE', is_ephemeral: false },
      trigger_id: 'trigger-UJANE-form',
      team: { id: 'T0001', domain: 'acme' },
      channel: { id: 'DJANE', name: 'directmessage' },
      actions: [
        {
          action_id: 'open_vend_modal',
          block_id: 'b1',
          text: { type: 'plain_text', text: 'Open the request form' },
          type: 'button',
          action_ts: '1700000301.0',
        },
      ],
    });
    const [open] = slack.of('views.open');
    expect(open).toMatchObject({ trigger_id: 'trigger-UJANE-form', view: { callback_id: 'vend_account_modal' } });
  });
});
