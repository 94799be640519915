/**
 * The cold-start baseline (npm run bench:cold-start): the smallest Bolt app that answers the same
 * signed slash command as the bot's HTTP handler does, on Bolt's own AwsLambdaReceiver. Bundled
 * with the very esbuild options of the Lambda bundle (scripts/bundle.ts), so that the bench
 * compares what the bot adds, not how it is built.
 */
import { App, AwsLambdaReceiver } from '@slack/bolt';

const receiver = new AwsLambdaReceiver({ signingSecret: process.env.SLACK_SIGNING_SECRET ?? '' });
const app = new App({
  token: process.env.SLACK_BOT_TOKEN,
  receiver,
  ...(process.env.SLACK_API_URL ? { clientOptions: { slackApiUrl: process.env.SLACK_API_URL } } : {}),
});

app.command('/vend-account', async ({ ack }) => {
  await ack({ response_type: 'ephemeral', text: 'Ask for an AWS account with */vend-account*.' });
});

type Handler = Awaited<ReturnType<AwsLambdaReceiver['start']>>;
let started: Promise<Handler> | undefined;

export async function handler(...args: Parameters<Handler>): Promise<unknown> {
  started ??= receiver.start();
  return (await started)(...args);
}
