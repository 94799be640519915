import type { App } from '@slack/bolt';

/**
 * The bare Bolt apps' /vend-account (the baselines of `npm run bench` and `npm run
 * bench:cold-start`): `help` answers with a text, as the bot does; anything else makes the Web
 * API calls the bot makes before it acknowledges (users.info, then views.open with a small modal).
 * One definition, so both baselines do the same work.
 */
export function registerVendAccount(app: App): void {
  app.command('/vend-account', async ({ command, ack, client }) => {
    if (command.text.trim() === 'help') {
      await ack({
        response_type: 'ephemeral',
        text: 'Ask for an AWS account with */vend-account*, see yours with */vend-account status*.',
      });
      return;
    }
    const { user } = await client.users.info({ user: command.user_id });
    await client.views.open({
      trigger_id: command.trigger_id,
      view: {
        type: 'modal',
        callback_id: 'request-account',
        title: { type: 'plain_text', text: 'New AWS account' },
        submit: { type: 'plain_text', text: 'Request' },
        blocks: [
          {
            type: 'input',
            block_id: 'name',
            label: { type: 'plain_text', text: 'Account name' },
            element: { type: 'plain_text_input', action_id: 'value', initial_value: `${user?.name ?? 'someone'}-sandbox` },
          },
        ],
      },
    });
    await ack();
  });
}
