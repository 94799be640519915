import type { AddressInfo } from 'node:net';
import { App, ExpressReceiver, LogLevel } from '@slack/bolt';
import { registerVendAccount } from '../bare-bolt/vend-account';
import type { ReadyMessage } from '../bench-server';

/**
 * The bare Bolt app the Slack scenarios are compared with (`npm run bench`, target `bare-bolt`):
 * a plain Bolt App on its ExpressReceiver (POST /slack/events, signature verification on,
 * processBeforeResponse as the app's Slack door), whose /vend-account does the same Web API calls
 * as the app's before acknowledging (users.info, then views.open with a small modal), against the
 * same fake Slack Web API (SLACK_API_URL). No store, no core: what Bolt, Express and the Web API
 * client cost on their own. Started by scripts/bench/target.ts with the protocol of
 * scripts/bench-server.ts (BENCH_APP_ENV, then `{ type: 'ready', port, startupMs }` over IPC).
 */

async function main(): Promise<void> {
  const started = performance.now();
  const env = JSON.parse(process.env.BENCH_APP_ENV || '{}') as Record<string, string>;
  const receiver = new ExpressReceiver({
    signingSecret: env.SLACK_SIGNING_SECRET,
    endpoints: '/slack/events',
    processBeforeResponse: true,
    logLevel: LogLevel.ERROR,
  });
  const app = new App({
    token: env.SLACK_BOT_TOKEN,
    receiver,
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: env.SLACK_API_URL.replace(/\/?$/, '/'), timeout: 5_000 },
  });
  registerVendAccount(app);
  const server = receiver.app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const stop = () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(1), 5_000).unref();
  };
  process.on('message', (m) => m === 'stop' && stop());
  process.on('disconnect', stop);
  process.on('SIGTERM', stop);
  const ready: ReadyMessage = { type: 'ready', port, startupMs: performance.now() - started };
  process.send?.(ready);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
