import { type Config, loadConfig } from './boot/config';
import { loadSecrets } from './boot/secrets';

/** The settings of a Lambda function, secrets included, checked for what Lambda needs. */
export async function lambdaConfig(env: Record<string, string | undefined>): Promise<Config> {
  const config = loadConfig({ ...env, ...(await loadSecrets(env)) });
  if (!config.TABLE_NAME) throw new Error('TABLE_NAME must name the DynamoDB table on Lambda (there is no embedded store there)');
  if (!config.PUBLIC_URL) throw new Error('PUBLIC_URL must be the API URL on Lambda (approval links point at it)');
  // Socket Mode keeps a connection open, which a function cannot; the bundle leaves it out (scripts/bundle.ts).
  if (config.slackMode === 'socket')
    throw new Error('SLACK_APP_TOKEN must not be set on Lambda: Slack reaches the functions over HTTP (SLACK_SIGNING_SECRET)');
  return config;
}
