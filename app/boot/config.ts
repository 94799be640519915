import * as z from 'zod';
import { ConfigError } from '../core/errors';
import type { OrganizationalUnit } from '../core/request/account-request';
import { DEFAULT_ORGANIZATIONAL_UNITS, parseOuLabel } from '../core/request/organizational-units';
import { emailSchema } from '../core/request/validation';

/**
 * Every setting comes from the environment and is checked here, once, at start. A bad value stops
 * the process with a message naming the variable. The README's configuration table and
 * .env.example list the same settings.
 */

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const list = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean),
);

const ouList = list.transform((labels, ctx) =>
  labels.map((label): OrganizationalUnit => {
    const ou = parseOuLabel(label);
    if (!ou) ctx.addIssue({ code: 'custom', message: `"${label}" is not "Name" or "Name (ou-xxxx-xxxxxxxx)"` });
    return ou ?? { name: label };
  }),
);

const emailList = list.pipe(z.array(emailSchema).min(1, 'at least one address is needed'));

const optionalString = z
  .string()
  .optional()
  .transform((s) => (s && s.trim() !== '' ? s.trim() : undefined));

export const configSchema = z.object({
  PORT: int(0, 65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./.data'),
  PUBLIC_URL: z.url().optional(),
  API_KEY: optionalString,
  APPROVAL_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  ORGANIZATIONAL_UNITS: ouList
    .pipe(z.array(z.any()).min(1, 'at least one OU is needed'))
    .default(DEFAULT_ORGANIZATIONAL_UNITS.map((name) => ({ name }))),
  APPROVER_EMAILS: emailList.default(['approvers@example.com']),
  /** The approval policy file (YAML); default: manifest/approval-policy.yml beside the code. */
  APPROVAL_POLICY: optionalString,
  /** What every vended account gets before it is ready (YAML); default: manifest/account-baseline.yml beside the code. */
  ACCOUNT_BASELINE: optionalString,
  /** The region of IAM Identity Center, for the baseline's access step (default: AWS_REGION). */
  IDENTITY_CENTER_REGION: optionalString,
  PENDING_EXPIRY_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 90)
    .default(48),
  MAX_CONCURRENT_PROVISIONING: int(1, 100).default(5),
  RECONCILE_INTERVAL_SECONDS: int(1, 3600).default(30),
  SANDBOX_PROVISION_SECONDS: z.coerce.number().min(0).max(3600).default(5),
  /** Service Catalog portfolios whose products the bot may vend (comma-separated port-... ids); unset: the sandbox catalog. */
  PRODUCT_PORTFOLIO_IDS: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^port-[a-z0-9]{4,30}$/, 'must be Service Catalog portfolio ids such as port-abcd1234efgh5'))),
  /** The role the bot assumes in a vended account to launch a product there. */
  PRODUCT_LAUNCH_ROLE_NAME: z
    .string()
    .regex(/^[\w+=,.@-]{1,64}$/, 'must be an IAM role name')
    .default('AWSControlTowerExecution'),
  /** The sandbox product catalog (default manifest/sandbox-products.yml), without PRODUCT_PORTFOLIO_IDS. */
  SANDBOX_PRODUCTS: optionalString,
  /** Sandbox accounts get a lease of this many days (0: none); a rule of the approval policy may set its own (leaseDays). */
  SANDBOX_LEASE_DAYS: int(0, 3650).default(0),
  /** Closes the embedded Organizations allows in a rolling 30 days (AWS: 10 % of member accounts, at least 10). */
  SANDBOX_CLOSE_QUOTA: int(1, 1000).default(10),
  SANDBOX_FAIL_PATTERN: z
    .string()
    .default('fail')
    .refine((s) => {
      try {
        new RegExp(s);
        return true;
      } catch {
        return false;
      }
    }, 'must be a regular expression'),
  TABLE_NAME: optionalString,
  // Without TABLE_NAME: the native embedded store, or the DynamoDB adapter on the in-process dynalite (parity checks).
  EMBEDDED_STORE: z.enum(['native', 'dynalite']).default('native'),
  // AWS adapters: each switched on by its own setting, so any mix with the embedded defaults works.
  LEX_BOT_ID: optionalString.pipe(
    z
      .string()
      .regex(/^[0-9a-zA-Z]{10}$/, 'must be a Lex V2 bot id (10 letters/digits)')
      .optional(),
  ),
  LEX_BOT_ALIAS_ID: optionalString.pipe(
    z
      .string()
      .regex(/^[0-9a-zA-Z]{10}$|^TSTALIASID$/, 'must be a Lex V2 bot alias id')
      .optional(),
  ),
  LEX_LOCALE_ID: z.string().min(2).default('en_US'),
  LEX_REGION: optionalString,
  SNS_TOPIC_ARN: optionalString.pipe(
    z
      .string()
      .regex(/^arn:aws[\w-]*:sns:[\w-]+:\d{12}:[\w-]+$/, 'must be an SNS topic ARN')
      .optional(),
  ),
  ACCOUNT_FACTORY_PRODUCT_ID: optionalString.pipe(
    z
      .string()
      .regex(/^prod-[0-9a-z]+$/, 'must be a Service Catalog product id (prod-...)')
      .optional(),
  ),
  ACCOUNT_FACTORY_PRODUCT_NAME: optionalString,
  APPROVAL_REMINDER_HOURS: z.coerce
    .number()
    .min(0)
    .max(24 * 30)
    .default(24),
  SECRETS_NAME: optionalString,
  SECRETS_SSM_PATH: optionalString.pipe(z.string().startsWith('/', 'must be an SSM parameter path such as /vending/prod/').optional()),
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_BOT_TOKEN: optionalString.pipe(z.string().startsWith('xoxb-', 'must be a bot token (xoxb-...)').optional()),
  SLACK_APP_TOKEN: optionalString.pipe(z.string().startsWith('xapp-', 'must be an app-level token (xapp-...)').optional()),
  SLACK_API_URL: optionalString.pipe(z.url().optional()),
  SLACK_APPROVAL_CHANNEL: optionalString.pipe(
    z
      .string()
      .regex(/^[CGD][A-Z0-9]{2,}$/, 'must be a channel id such as C0123ABCD')
      .optional(),
  ),
  APPROVERS: list.pipe(z.array(z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'must be Slack user ids such as U0123ABCD'))).default([]),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** How the Slack door runs: over HTTP (/slack/events), over Socket Mode, or not at all. */
export type SlackMode = 'http' | 'socket' | 'off';

export type Config = z.output<typeof configSchema> & {
  publicUrl: string;
  /** The path prefix of PUBLIC_URL (e.g. "/api" behind an API Gateway stage); "" locally. */
  basePath: string;
  organizationalUnits: OrganizationalUnit[];
  slackMode: SlackMode;
};

/** Reads the settings from `env`; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Parsed once: zod's compiled fast path (new Function per object schema) costs more to build than it saves.
  const result = configSchema.safeParse(env, { jitless: true });
  if (!result.success) {
    const issue = result.error.issues[0];
    const name = String(issue.path[0] ?? 'configuration');
    throw new ConfigError(`Invalid setting ${name}: ${issue.message} (got ${JSON.stringify(env[name])})`);
  }
  const c = result.data;
  if (!!c.LEX_BOT_ID !== !!c.LEX_BOT_ALIAS_ID) {
    const missing = c.LEX_BOT_ID ? 'LEX_BOT_ALIAS_ID' : 'LEX_BOT_ID';
    throw new ConfigError(`Invalid setting ${missing}: Lex needs both LEX_BOT_ID and LEX_BOT_ALIAS_ID`);
  }
  return {
    ...c,
    publicUrl: (c.PUBLIC_URL ?? `http://localhost:${c.PORT}`).replace(/\/+$/, ''),
    basePath: new URL(c.PUBLIC_URL ?? 'http://localhost').pathname.replace(/\/+$/, ''),
    organizationalUnits: c.ORGANIZATIONAL_UNITS as OrganizationalUnit[],
    slackMode: !c.SLACK_BOT_TOKEN ? 'off' : c.SLACK_APP_TOKEN ? 'socket' : c.SLACK_SIGNING_SECRET ? 'http' : 'off',
  };
}
