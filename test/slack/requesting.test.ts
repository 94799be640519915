import { eventually, type RunningApp } from '../support/app';
import {
  emailValue,
  eventCallback,
  type FakeSlack,
  interaction,
  selected,
  sendEvent,
  sendToSlackEndpoint,
  slashCommand,
  textValue,
  useSlackApp,
  viewSubmission,
} from '../support/slack';

describe('Slack door: requesting an account', () => {
  let running: RunningApp;
  let slack: FakeSlack;

  const harness = useSlackApp({
    UJANE: { email: 'jane@example.com', real_name: 'Jane Doe', first_name: 'Jane', last_name: 'Doe' },
    UOMAR: { email: 'omar@example.com', real_name: 'Omar Haddad', first_name: 'Omar', last_name: 'Haddad' },
    UNOMAIL: { real_name: 'No Mail' },
  });
  beforeAll(() => ({ running, slack } = harness));

  describe('the endpoint', () => {
    it('answers url_verification with the challenge', async () => {
      const res = await sendEvent(running.baseUrl, JSON.stringify({ token: 't', challenge: 'ch4llenge', type: 'url_verification' }));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ challenge: 'ch4llenge' });
    });

    it('refuses a signed body that is neither a form nor JSON with a 400 naming the problem', async () => {
      const res = await sendToSlackEndpoint(running.baseUrl, '{not json', { contentType: 'application/json' });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: 'Malformed Slack payload: the body is neither a form nor JSON' });
    });

    it('answers an event no listener takes with an empty 200, as it came (no content type)', async () => {
      const res = await sendEvent(running.baseUrl, eventCallback({ type: 'reaction_added', user: 'UJANE', reaction: 'tada' }));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBeNull();
      expect(await res.text()).toBe('');
    });

    it('refuses unsigned, forged, stale and future-dated requests with 401, calling nothing', async () => {
      const body = eventCallback({ type: 'app_mention', user: 'UJANE', text: '<@UBOT0001> help', channel: 'C0GENERAL', ts: '1.1' });
      const unsigned = await sendToSlackEndpoint(running.baseUrl, body, { contentType: 'application/json', unsigned: true });
      const forged = await sendToSlackEndpoint(running.baseUrl, body, { contentType: 'application/json', secret: 'not-the-secret' });
      const stale = await sendToSlackEndpoint(running.baseUrl, body, {
        contentType: 'application/json',
        timestamp: Math.floor(Date.now() / 1000) - 6 * 60,
      });
      // Correctly signed, but dated ten minutes ahead: Bolt checks only the stale side; we refuse both.
      const future = await sendToSlackEndpoint(running.baseUrl, body, {
        contentType: 'application/json',
        timestamp: Math.floor(Date.now() / 1000) + 10 * 60,
      });
      expect([unsigned.status, forged.status, stale.status, future.status]).toEqual([401, 401, 401, 401]);
      await running.settle();
      expect(slack.calls).toEqual([]);
    });

    it('takes a request dated up to five minutes ahead (clock skew), as Slack allows', async () => {
      const body = eventCallback({ type: 'app_mention', user: 'UNOMAIL', text: '<@UBOT0001> help', channel: 'C0GENERAL', ts: '1.2' });
      const ahead = await sendToSlackEndpoint(running.baseUrl, body, {
        contentType: 'application/json',
        timestamp: Math.floor(Date.now() / 1000) + 4 * 60,
      });
      expect(ahead.status).toBe(200);
      await running.settle();
      expect(slack.of('chat.postMessage')).toEqual([expect.objectContaining({ channel: 'C0GENERAL', thread_ts: '1.2' })]);
    });
  });

  describe('/vend-account', () => {
    it('opens the request modal with a suggested name and the configured OUs', async () => {
      const res = await slashCommand(running.baseUrl, 'UJANE', '');
      expect(res.status).toBe(200);
      const [open] = slack.of('views.open');
      expect(open.trigger_id).toMatch(/^trigger-UJANE-/);
      expect(open.view.callback_id).toBe('vend_account_modal');
      const blocks = Object.fromEntries(open.view.blocks.filter((b: any) => b.block_id).map((b: any) => [b.block_id, b.element]));
      expect(blocks.accountName.initial_value).toBe('sandbox-jane-doe');
      expect(blocks.accountType.options.map((o: any) => o.value)).toEqual(['Production', 'Sandbox']);
      expect(blocks.accountEmail.type).toBe('email_text_input');
      expect(blocks.accountOU.options.map((o: any) => o.value)).toEqual(['Experiment', 'Demos (ou-abcd-12345678)']);
      expect(blocks.reason.multiline).toBe(true);
      expect(slack.of('users.info')).toEqual([expect.objectContaining({ user: 'UJANE' })]);
      expect(slack.calls.map((c) => c.method)).toEqual(['users.info', 'views.open']);
    });

    const submit = (user: string, email: string, extra: Record<string, object> = {}) =>
      interaction(
        running.baseUrl,
        viewSubmission(user, 'vend_account_modal', {
          accountName: textValue(`team-${email.split('@')[0]}`),
          accountType: selected('Production'),
          accountEmail: emailValue(email),
          accountOU: selected('Demos (ou-abcd-12345678)'),
          reason: textValue('Payments service go-live'),
          ...extra,
        }),
      );

    it('shows a bad field on that field and stores nothing', async () => {
      const res = await submit('UJANE', 'ops@example');
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        response_action: 'errors',
        errors: { accountEmail: expect.stringContaining('dot in the domain') },
      });
      const long = await submit('UJANE', 'long@example.com', { accountName: textValue('x'.repeat(51)) });
      expect(await long.json()).toEqual({
        response_action: 'errors',
        errors: { accountName: 'The account name must be at most 50 characters' },
      });
      expect(await running.app.core.requestsOf('jane@example.com')).toEqual([]);
    });

    it('refuses a profile without an e-mail on the form, in plain words', async () => {
      const res = await submit('UNOMAIL', 'nomail-team@example.com');
      expect(await res.json()).toEqual({
        response_action: 'errors',
        errors: { accountName: expect.stringContaining('no e-mail address') },
      });
    });

    it('closes the modal, DMs the requester and posts to the approvers on success', async () => {
      const res = await submit('UOMAR', 'payments@example.com');
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('');
      const [request] = await running.app.core.requestsOf('omar@example.com');
      expect(request).toMatchObject({
        status: 'PENDING_APPROVAL',
        reason: 'Payments service go-live',
        requester: { slackUserId: 'UOMAR', email: 'omar@example.com', firstName: 'Omar', lastName: 'Haddad' },
        account: { name: 'team-payments', type: 'Production', ou: { name: 'Demos', id: 'ou-abcd-12345678' } },
        audit: [{ actor: { door: 'slack', id: 'UOMAR' } }],
      });
      await running.settle();
      const dm = slack.of('chat.postMessage').find((m) => m.channel === 'UOMAR');
      expect(dm?.text).toContain(request.id);
      const post = slack.of('chat.postMessage').find((m) => m.channel === 'C0APPROVALS')!;
      const text = JSON.stringify(post.blocks);
      for (const part of [
        '<@UOMAR>',
        'team-payments',
        'Production',
        'payments@example.com',
        'Demos (ou-abcd-12345678)',
        'Payments service go-live',
        request.id,
        '<@UBOSS> <@UDEPUTY>',
      ]) {
        expect(text).toContain(part);
      }
      const buttons = post.blocks.find((b: any) => b.type === 'actions').elements;
      expect(buttons.map((b: any) => [b.text.text, b.action_id, b.value, b.style])).toEqual([
        ['Approve', 'approve_request', request.id, 'primary'],
        ['Deny', 'deny_request', request.id, 'danger'],
      ]);
      expect((await running.app.core.lookUp(request.id)).annotations).toEqual({
        'slack.approval-message': expect.stringMatching(/^C0APPROVALS \d+\.\d+$/),
      });
    });

    it('answers "status" and "help" privately', async () => {
      const status = await slashCommand(running.baseUrl, 'UOMAR', 'status');
      expect(await status.json()).toEqual({
        response_type: 'ephemeral',
        text: expect.stringMatching(/team-payments \(Production, Demos\): waiting for approval/),
      });
      const help = await slashCommand(running.baseUrl, 'UJANE', 'help');
      expect(((await help.json()) as { text: string }).text).toContain('/vend-account status');
    });

    it('treats anything else as the start of a conversation', async () => {
      const res = await slashCommand(running.baseUrl, 'UJANE', 'I need a sandbox account');
      expect(await res.json()).toEqual({ response_type: 'ephemeral', text: expect.stringContaining('Which e-mail address') });
    });
  });

  describe('free text', () => {
    it('answers a direct message in the DM, continuing one conversation per person', async () => {
      const dm = async (text: string) => {
        const res = await sendEvent(
          running.baseUrl,
          eventCallback({ type: 'message', channel: 'DJANE', channel_type: 'im', user: 'UJANE', text, ts: `${Date.now() / 1000}` }),
        );
        await running.settle(); // the reply is posted as an effect
        return res;
      };
      expect((await dm('hi, can I get a new account?')).status).toBe(200);
      await dm('sandbox');
      const replies = slack.of('chat.postMessage').filter((m) => m.channel === 'DJANE');
      expect(replies.map((r) => r.text)).toEqual([
        'Hi Jane, what account type do you want? Production or Sandbox?',
        "Thanks Jane. Which e-mail address should the new account's root user have?",
      ]);
    });

    it("keeps a Slack conversation apart from the same person's REST conversation", async () => {
      const dm = async (text: string) => {
        const res = await sendEvent(
          running.baseUrl,
          eventCallback({ type: 'message', channel: 'DJANE', channel_type: 'im', user: 'UJANE', text, ts: `${Date.now() / 1000}` }),
        );
        await running.settle(); // the reply is posted as an effect
        return res;
      };
      const rest = (UserInput: string) =>
        fetch(`${running.baseUrl}/account`, {
          method: 'POST',
          body: JSON.stringify({ UserEmail: 'jane@example.com', UserName: 'Jane', UserLastname: 'Doe', UserInput }),
        }).then((r) => r.json() as Promise<{ slots: object }>);
      await dm('I need a new account');
      await rest('I need a new account');
      await dm('production');
      expect(await rest('sandbox')).toMatchObject({ slots: { AccountType: 'Sandbox' } });
      await dm('prod-team@example.com');
      const lastDm = slack
        .of('chat.postMessage')
        .filter((m) => m.channel === 'DJANE')
        .at(-1)!.text;
      expect(lastDm).toContain('Which organizational unit'); // Slack went on with Production

      expect((await rest('sbx-team@example.com')).slots).toEqual({ AccountType: 'Sandbox', RootEmail: 'sbx-team@example.com' });
    });

    it('answers an @mention in its thread', async () => {
      await sendEvent(
        running.baseUrl,
        eventCallback({
          type: 'app_mention',
          channel: 'C0GENERAL',
          user: 'UOMAR',
          text: '<@UBOT0001> what can you do?',
          ts: '1700000100.000200',
        }),
      );
      await running.settle();
      const [reply] = slack.of('chat.postMessage');
      expect(reply).toMatchObject({ channel: 'C0GENERAL', thread_ts: '1700000100.000200' });
      expect(reply.text).toContain('I vend AWS accounts');
    });

    it('ignores its own and other bots’ messages and message edits', async () => {
      await sendEvent(
        running.baseUrl,
        eventCallback({ type: 'message', channel: 'DJANE', channel_type: 'im', user: 'UBOT0001', text: 'echo', ts: '1.2' }),
      );
      await sendEvent(
        running.baseUrl,
        eventCallback({ type: 'message', channel: 'DJANE', channel_type: 'im', bot_id: 'B0002', text: 'bot', ts: '1.3' }),
      );
      await sendEvent(
        running.baseUrl,
        eventCallback({ type: 'message', subtype: 'message_changed', channel: 'DJANE', channel_type: 'im', ts: '1.4' }),
      );
      expect(slack.of('chat.postMessage')).toEqual([]);
    });

    it('handles a redelivered event once: no second turn and no second message', async () => {
      const body = eventCallback(
        {
          type: 'message',
          channel: 'DOMAR',
          channel_type: 'im',
          user: 'UOMAR',
          text: 'what is the status of my request?',
          ts: '1700000200.000100',
        },
        'EvSAME0001',
      );
      expect((await sendEvent(running.baseUrl, body)).status).toBe(200);
      expect((await sendEvent(running.baseUrl, body, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' })).status).toBe(
        200,
      );
      expect((await sendEvent(running.baseUrl, body, { 'x-slack-retry-num': '2', 'x-slack-retry-reason': 'http_timeout' })).status).toBe(
        200,
      );
      await eventually(async () => slack.of('chat.postMessage').length === 1);
      expect(slack.of('chat.postMessage')).toHaveLength(1);
    });
  });
});
