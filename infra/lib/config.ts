import * as z from 'zod';
import { DEFAULT_ORGANIZATIONAL_UNITS } from '../../app/core/request/organizational-units';

/**
 * The deployment's settings, read from CDK context (cdk.json or `-c key=value`) and checked here
 * once. Nothing secret lives here: Slack secrets go into the Secrets Manager secret after deploy.
 */

const account = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id');
const region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as eu-west-1');

export const stageSettingsSchema = z.object({
  account,
  region,
  /** Lex V2 may live in another region than Control Tower (not every region has Lex). */
  lexRegion: region.optional(),
  /** Approvals mailbox subscribed to the SNS topic (a CloudFormation parameter overrides it). */
  approverEmail: z.email(),
  /** Slack approval channel and approver user ids; Slack tokens go in the secret, not here. */
  slackApprovalChannel: z.string().optional(),
  slackApprovers: z.array(z.string()).default([]),
  /**
   * Which Account Factory this stage provisions through. Only the Control Tower management account
   * (home region) can use the real one; other stages (Dev and Staging in member accounts) run the
   * sandbox factory, which simulates provisioning and says so everywhere it shows.
   */
  accountFactory: z.enum(['service-catalog', 'sandbox']).default('service-catalog'),
  /**
   * Service Catalog portfolios (port-...) whose products this stage vends besides accounts; none
   * (the default): no product vending on AWS, and no Service Catalog product permissions.
   */
  productPortfolioIds: z.array(z.string().regex(/^port-[0-9a-z]+$/, 'must be a Service Catalog portfolio id (port-...)')).default([]),
  /** The role assumed in a vended account to launch a product there (Control Tower puts this one in every account it manages). */
  productLaunchRoleName: z
    .string()
    .regex(/^[\w+=,.@-]{1,64}$/, 'must be an IAM role name')
    .default('AWSControlTowerExecution'),
  /** API Gateway throttling for this stage. */
  throttle: z
    .object({ rateLimit: z.number().positive(), burstLimit: z.number().int().positive() })
    .default({ rateLimit: 50, burstLimit: 100 }),
});

export const deploymentSchema = z.object({
  /** Name prefix of every stack and resource. */
  appName: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9-]{1,30}$/)
    .default('VendingBot'),
  /** OUs accounts may be vended into: "Name" or "Name (ou-xxxx-xxxxxxxx)". */
  organizationalUnits: z
    .array(z.string().min(1))
    .min(1)
    .default([...DEFAULT_ORGANIZATIONAL_UNITS]),
  /** The Account Factory portfolio the bot's role is associated with (port-...). */
  accountFactoryPortfolioId: z.string().regex(/^port-[0-9a-z]+$/, 'must be a Service Catalog portfolio id (port-...)'),
  /** The Account Factory product, by id (prod-...) or by name. */
  accountFactoryProductId: z
    .string()
    .regex(/^prod-[0-9a-z]+$/)
    .optional(),
  accountFactoryProductName: z.string().default('AWS Control Tower Account Factory'),
  /** Source of the pipeline: a CodeConnections connection to the repository. */
  repository: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'must be owner/name'),
  branch: z.string().min(1).default('main'),
  connectionArn: z
    .string()
    .regex(
      /^arn:aws[\w-]*:(codeconnections|codestar-connections):[\w-]+:\d{12}:connection\/[\w-]+$/,
      'must be a CodeConnections connection ARN',
    ),
  /** Where the pipeline itself runs (usually a tooling or management account). */
  pipeline: z.object({ account, region }),
  stages: z.object({ dev: stageSettingsSchema, staging: stageSettingsSchema, prod: stageSettingsSchema }),
  /** The Staging load test's limits (scripts/load-test). */
  loadTest: z
    .object({
      durationSeconds: z.number().int().positive().default(60),
      connections: z.number().int().positive().default(10),
      maxErrorRate: z.number().min(0).max(1).default(0.01),
      maxP99Ms: z.number().positive().default(3000),
    })
    .default({ durationSeconds: 60, connections: 10, maxErrorRate: 0.01, maxP99Ms: 3000 }),
});

export type StageSettings = z.output<typeof stageSettingsSchema>;
export type DeploymentSettings = z.output<typeof deploymentSchema>;
export type StageName = 'Dev' | 'Staging' | 'Prod';

/** Reads the deployment settings from a CDK app's context; a bad value names its key. */
export function deploymentSettings(context: (key: string) => unknown): DeploymentSettings {
  const raw = context('vending');
  const result = deploymentSchema.safeParse(typeof raw === 'string' ? JSON.parse(raw) : raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`Invalid CDK context vending.${issue.path.join('.')}: ${issue.message}`);
  }
  return result.data;
}
