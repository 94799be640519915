import type { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';

/** The settings that are secrets: kept out of templates and environment listings on AWS. */
export const SECRET_SETTINGS = ['SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'APPROVAL_SECRET', 'API_KEY'] as const;

/**
 * Fills secret settings the environment lacks from Secrets Manager (SECRETS_NAME: a JSON secret
 * whose keys are the setting names) and/or SSM Parameter Store (SECRETS_SSM_PATH: SecureString
 * parameters named <path><SETTING>), through Powertools' parameters utility. A value in the
 * environment wins. Called once per Lambda container. Each provider (and its AWS SDK client) is
 * loaded only when its setting is there, so a function without it never loads that code.
 */
export async function loadSecrets(
  env: Record<string, string | undefined>,
  providers: { secrets?: SecretsProvider; ssm?: SSMProvider } = {},
): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  if (env.SECRETS_NAME) {
    const provider = providers.secrets ?? new (await import('@aws-lambda-powertools/parameters/secrets')).SecretsProvider();
    const value = await provider.get(env.SECRETS_NAME, { transform: 'json', maxAge: 3600 });
    if (!value || typeof value !== 'object') throw new Error(`The secret ${env.SECRETS_NAME} must hold a JSON object`);
    Object.assign(found, pick(value as Record<string, unknown>));
  }
  if (env.SECRETS_SSM_PATH) {
    const provider = providers.ssm ?? new (await import('@aws-lambda-powertools/parameters/ssm')).SSMProvider();
    const values = (await provider.getMultiple(env.SECRETS_SSM_PATH, { decrypt: true, recursive: false, maxAge: 3600 })) ?? {};
    Object.assign(found, pick(values as Record<string, unknown>));
  }
  return Object.fromEntries(Object.entries(found).filter(([k]) => !env[k]));
}

function pick(values: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    SECRET_SETTINGS.filter((k) => typeof values[k] === 'string' && values[k] !== '').map((k) => [k, values[k] as string]),
  );
}
