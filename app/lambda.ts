// The AWS Lambda entry points (each bundled from app/lambda/<name>.ts), built by the same
// composition root as `npm start`. Secrets come from the environment, Secrets Manager or SSM,
// fetched once per container.
import { createVendingApp, type VendingApp } from './boot/composition';
import { loadConfig } from './boot/config';
import { loadSecrets } from './boot/secrets';
import { lambdaHandlers } from './doors/lambda/handlers';

let built: Promise<VendingApp> | undefined;

/** One app per container; a failed start is retried on the next invocation. */
export function vendingApp(env: Record<string, string | undefined> = process.env): Promise<VendingApp> {
  built ??= (async () => {
    const config = loadConfig({ ...env, ...(await loadSecrets(env)) });
    if (!config.TABLE_NAME) throw new Error('TABLE_NAME must name the DynamoDB table on Lambda (there is no embedded store there)');
    if (!config.PUBLIC_URL) throw new Error('PUBLIC_URL must be the API URL on Lambda (approval links point at it)');
    // Socket Mode keeps a connection open, which a function cannot; the bundle leaves it out (scripts/bundle.ts).
    if (config.slackMode === 'socket')
      throw new Error('SLACK_APP_TOKEN must not be set on Lambda: Slack reaches the functions over HTTP (SLACK_SIGNING_SECRET)');
    // Effects ride the table's stream on Lambda: nothing may keep running after a response.
    return createVendingApp(config, { inlineEffects: false });
  })().catch((err) => {
    built = undefined;
    throw err;
  });
  return built;
}

export const { http, controlTowerEvent, reconcile, stream } = lambdaHandlers(() => vendingApp());
