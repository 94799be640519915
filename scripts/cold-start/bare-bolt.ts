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
import { registerVendAccount } from '../bare-bolt/vend-account';

const receiver = new AwsLambdaReceiver({ signingSecret: process.env.SLACK_SIGNING_SECRET ?? '' });
const app = new App({
  token: process.env.SLACK_BOT_TOKEN,
  receiver,
  ...(process.env.SLACK_API_URL ? { clientOptions: { slackApiUrl: process.env.SLACK_API_URL } } : {}),
});

registerVendAccount(app);

type Handler = Awaited<ReturnType<AwsLambdaReceiver['start']>>;
let started: Promise<Handler> | undefined;

export async function handler(...args: Parameters<Handler>): Promise<unknown> {
  started ??= receiver.start();
  return (await started)(...args);
}
