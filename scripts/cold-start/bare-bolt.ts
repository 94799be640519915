/**
 * The cold-start baseline (npm run bench:cold-start): the smallest Bolt app that answers the same
 * signed slash commands as the bot's HTTP handler does, on Bolt's own AwsLambdaReceiver. Bundled
 * with the very esbuild options of the Lambda bundle (scripts/bundle.ts lambdaBuildOptions), so
 * that the bench compares what the bot adds, not how it is built.
 *
 * `/vend-account help` answers with a text, as the bot does; `/vend-account` makes the Web API
 * calls the bot makes before it acknowledges (users.info, then views.open with a small modal), as
 * the bare app of `npm run bench` does (scripts/bench/bare-bolt-server.ts). No store, no core.
 */
import { App, AwsLambdaReceiver } from '@slack/bolt';

const receiver = new AwsLambdaReceiver({ signingSecret: process.env.SLACK_SIGNING_SECRET ?? '' });
const app = new App({
  token: process.env.SLACK_BOT_TOKEN,
  receiver,
  ...(process.env.SLACK_API_URL ? { clientOptions: { slackApiUrl: process.env.SLACK_API_URL } } : {}),
});

app.command('/vend-account', async ({ command, ack, client }) => {
  if (command.text.trim() === 'help') {
    await ack({ response_type: 'ephemeral', text: 'Ask for an AWS account with */vend-account*, see yours with */vend-account status*.' });
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

type Handler = Awaited<ReturnType<AwsLambdaReceiver['start']>>;
let started: Promise<Handler> | undefined;

export async function handler(...args: Parameters<Handler>): Promise<unknown> {
  started ??= receiver.start();
  return (await started)(...args);
}
