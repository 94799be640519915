import { join } from 'node:path';
import { CfnOutput, CfnParameter, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as servicecatalog from 'aws-cdk-lib/aws-servicecatalog';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { DEFAULT_POLICY_PATH, loadApprovalPolicy } from '../../app/boot/approval-policy-file';
import { loadBotModel } from '../../app/boot/bot-model-file';
import { CONFIGURED_APPROVERS } from '../../app/core/request/approval-policy';
import { API_STAGE, VendingApi } from './app/api';
import { CanaryDeployment } from './app/canary';
import { AppEvents } from './app/events';
import { AppFunctions } from './app/functions';
import { Monitoring } from './app/monitoring';
import {
  accountFactoryStatements,
  baselineStatements,
  controlTowerEventStatements,
  lexStatement,
  productCatalogStatement,
  productLaunchStatements,
  secretStatement,
  tableStatement,
  topicStatement,
} from './app/permissions';
import { createRequestTable } from './app/table';
import type { DeploymentSettings, StageName, StageSettings } from './config';
import { LexBot, type LexBotRef } from './lex-bot';
import { acknowledgeAppStack } from './nag';

/** Where npm run bundle writes the Lambda code (scripts/bundle.ts). */
export const LAMBDA_BUNDLE = join(__dirname, '..', '..', 'dist', 'lambda');

/** Secret keys created empty: filled in after deploy (README). APPROVAL_SECRET is generated. */
export const SECRET_TEMPLATE = { SLACK_SIGNING_SECRET: '', SLACK_BOT_TOKEN: '', API_KEY: '' };

export interface AppStackProps extends StackProps {
  stageName: StageName;
  deployment: DeploymentSettings;
  settings: StageSettings;
  /**
   * The Lex bot when it lives in another region than the stack (VendingStage builds it in its own
   * stack there). Without it the bot is built in this stack, which needs lexRegion unset or equal
   * to the stack's region.
   */
  lexBot?: LexBotRef;
  /** The Lambda bundle; defaults to dist/lambda (run `npm run bundle` first). */
  lambdaCode?: lambda.Code;
  /** The approval policy the bundle carries (manifest/approval-policy.yml); its groups' e-mails get subscriptions. */
  approvalPolicyPath?: string;
}

/** Every e-mail address the policy's own groups name (the built-in `approvers` group is the ApproverEmail parameter). */
export function policyEmails(path: string): string[] {
  const policy = loadApprovalPolicy(path, { emails: [], slack: [] });
  return [
    ...new Set(
      Object.entries(policy.groups).flatMap(([name, g]) => (name === CONFIGURED_APPROVERS ? [] : g.emails.map((e) => e.toLowerCase()))),
    ),
  ].sort();
}

/**
 * One environment of the vending bot: the API and its canary deployment, the four functions, the
 * table and its stream, the topic, the secret, the Lex bot (when in this region), the EventBridge
 * rules, the Account Factory portfolio association, alarms and a dashboard.
 */
export class AppStack extends Stack {
  readonly table: dynamodb.Table;
  readonly topic: sns.Topic;
  readonly secret: secretsmanager.Secret;
  readonly failedEvents: sqs.Queue;
  readonly functions: AppFunctions;
  readonly liveAlias: lambda.Alias;
  readonly api: VendingApi;
  readonly canary: CanaryDeployment;
  readonly events: AppEvents;
  readonly monitoring: Monitoring;
  /** Set when the bot is built in this stack. */
  readonly lexBot?: LexBot;
  readonly lex: LexBotRef;
  readonly approverEmail: CfnParameter;
  /** The API's base URL (PUBLIC_URL): the pipeline's smoke and load tests read this output. */
  readonly apiUrlOutput: CfnOutput;
  /** https://<api>/api: approval links and the Slack request URL hang off it. */
  readonly publicUrl: string;
  /** Set when the stage vends Service Catalog products (productPortfolioIds). */
  readonly products?: { portfolioIds: string[]; launchRoleName: string };

  constructor(scope: Construct, id: string, props: AppStackProps) {
    super(scope, id, { description: `Account vending bot (${props.stageName})`, ...props });
    const { deployment, settings, stageName } = props;
    const prod = stageName === 'Prod';
    const name = `${deployment.appName}-${stageName}`;
    const logRetention = prod ? logs.RetentionDays.ONE_YEAR : logs.RetentionDays.ONE_MONTH;
    const namespace = `${deployment.appName}/${stageName}`;

    this.table = createRequestTable(this, 'Table', { retain: prod });

    // Approval e-mail: one topic, one subscription per approver filtered on the `to` attribute, so
    // each approver gets only the messages (and signed links) addressed to them.
    this.approverEmail = new CfnParameter(this, 'ApproverEmail', {
      type: 'String',
      default: settings.approverEmail,
      allowedPattern: '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$',
      description:
        'Approvals mailbox: subscribed to the notification topic (confirm the e-mail SNS sends) and the only approver of e-mail links',
    });
    this.topic = new sns.Topic(this, 'Notifications', {
      displayName: 'Account vending',
      // The AWS managed key: its key policy lets SNS use it for this account's publishers, so the
      // functions need nothing beyond sns:Publish.
      masterKey: kms.Alias.fromAliasName(this, 'SnsManagedKey', 'alias/aws/sns'),
      enforceSSL: true,
    });
    const approver = this.approverEmail.valueAsString;
    // Each address gets only the messages (and signed links) addressed to it: the approvers'
    // mailbox, and every address the approval policy's groups name.
    for (const address of [approver, ...policyEmails(props.approvalPolicyPath ?? DEFAULT_POLICY_PATH)]) {
      this.topic.addSubscription(
        new subscriptions.EmailSubscription(address, {
          filterPolicy: { to: sns.SubscriptionFilter.stringFilter({ allowlist: [address] }) },
        }),
      );
    }

    // Nothing secret in the template: the approval key is generated by Secrets Manager, the Slack
    // values and the optional REST API key are filled in after deploy.
    this.secret = new secretsmanager.Secret(this, 'Secrets', {
      secretName: `${deployment.appName}/${stageName}`,
      description: `Vending bot ${stageName}: SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN and API_KEY (fill in), APPROVAL_SECRET (generated)`,
      generateSecretString: {
        secretStringTemplate: JSON.stringify(SECRET_TEMPLATE),
        generateStringKey: 'APPROVAL_SECRET',
        passwordLength: 64,
        excludePunctuation: true,
      },
      removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    // Lex: here, or in the Lex region's stack.
    const lexRegion = settings.lexRegion ?? settings.region;
    if (props.lexBot) {
      this.lex = props.lexBot;
    } else {
      if (lexRegion !== this.region) {
        throw new Error(
          `lexRegion ${lexRegion} differs from the stack's region ${this.region}: build the bot in its own stack there (VendingStage does) and pass it as lexBot`,
        );
      }
      this.lexBot = new LexBot(this, 'Lex', {
        model: loadBotModel(),
        organizationalUnits: deployment.organizationalUnits,
        botName: `${name}-Bot`,
      });
      this.lex = this.lexBot;
    }

    // What fails after its retries (stream records, Control Tower events) waits here.
    this.failedEvents = new sqs.Queue(this, 'FailedEvents', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    const realFactory = settings.accountFactory === 'service-catalog';
    if (settings.productPortfolioIds.length) {
      this.products = { portfolioIds: settings.productPortfolioIds, launchRoleName: settings.productLaunchRoleName };
    }
    const environment: Record<string, string> = {
      TABLE_NAME: this.table.tableName,
      SNS_TOPIC_ARN: this.topic.topicArn,
      SECRETS_NAME: `${deployment.appName}/${stageName}`,
      LEX_BOT_ID: this.lex.botId,
      LEX_BOT_ALIAS_ID: this.lex.botAliasId,
      LEX_LOCALE_ID: this.lex.localeId,
      LEX_REGION: this.lex.region,
      ...(!realFactory
        ? {}
        : deployment.accountFactoryProductId
          ? { ACCOUNT_FACTORY_PRODUCT_ID: deployment.accountFactoryProductId }
          : { ACCOUNT_FACTORY_PRODUCT_NAME: deployment.accountFactoryProductName }),
      ORGANIZATIONAL_UNITS: deployment.organizationalUnits.join(','),
      APPROVER_EMAILS: approver,
      ...(settings.slackApprovalChannel ? { SLACK_APPROVAL_CHANNEL: settings.slackApprovalChannel } : {}),
      ...(settings.slackApprovers.length ? { APPROVERS: settings.slackApprovers.join(',') } : {}),
      ...(this.products
        ? { PRODUCT_PORTFOLIO_IDS: this.products.portfolioIds.join(','), PRODUCT_LAUNCH_ROLE_NAME: this.products.launchRoleName }
        : {}),
      LOG_LEVEL: 'info',
    };
    this.functions = new AppFunctions(this, 'Functions', {
      code: props.lambdaCode ?? lambda.Code.fromAsset(LAMBDA_BUNDLE),
      environment,
      logRetention,
      retainLogs: prod,
    });
    const fns = this.functions;

    // The HTTP function is called through its live alias, which CodeDeploy moves to each new version.
    this.liveAlias = new lambda.Alias(this, 'HttpLive', { aliasName: 'live', version: fns.http.currentVersion });
    this.api = new VendingApi(this, 'Api', {
      restApiName: name,
      handler: this.liveAlias,
      throttle: settings.throttle,
      logRetention,
      retainLogs: prod,
    });
    this.publicUrl = this.api.url;
    // Approval links point at the API. Built from the API's id, not from its stage, so no cycle.
    fns.addEnvironment('PUBLIC_URL', this.publicUrl);

    // Least privilege, per role (permissions.ts).
    fns.httpRole.addToPolicy(tableStatement(this.table.tableArn));
    fns.httpRole.addToPolicy(lexStatement(this.lex.aliasArn));
    fns.httpRole.addToPolicy(secretStatement(this.secret.secretArn));
    fns.eventRole.addToPolicy(tableStatement(this.table.tableArn));
    fns.eventRole.addToPolicy(secretStatement(this.secret.secretArn));
    fns.provisionerRole.addToPolicy(tableStatement(this.table.tableArn));
    fns.provisionerRole.addToPolicy(topicStatement(this.topic.topicArn));
    fns.provisionerRole.addToPolicy(secretStatement(this.secret.secretArn));
    if (realFactory) {
      for (const statement of accountFactoryStatements(this)) fns.provisionerRole.addToPolicy(statement);
      // The baseline runs where the real Account Factory runs (app/boot/ports-from-config.ts), as an effect.
      for (const statement of baselineStatements(this)) fns.provisionerRole.addToPolicy(statement);
      for (const statement of controlTowerEventStatements(this)) fns.eventRole.addToPolicy(statement);
      // The bot's role may launch the Account Factory product (without it: no launch path).
      new servicecatalog.CfnPortfolioPrincipalAssociation(this, 'AccountFactoryAccess', {
        portfolioId: deployment.accountFactoryPortfolioId,
        principalArn: fns.provisionerRole.roleArn,
        principalType: 'IAM',
      });
    }

    if (this.products) {
      // The doors (HTTP: web, REST, Slack) list and describe products; the provisioner also launches and terminates them.
      fns.httpRole.addToPolicy(productCatalogStatement());
      fns.provisionerRole.addToPolicy(productCatalogStatement());
      for (const statement of productLaunchStatements(this, this.products.launchRoleName)) fns.provisionerRole.addToPolicy(statement);
      // A role sees launch paths only to the portfolios it is associated with: both roles that list products are.
      this.products.portfolioIds.forEach((portfolioId, i) => {
        for (const [role, roleName] of [
          [fns.httpRole, 'Http'],
          [fns.provisionerRole, 'Provisioner'],
        ] as const) {
          new servicecatalog.CfnPortfolioPrincipalAssociation(this, `ProductPortfolio${i}${roleName}Access`, {
            portfolioId,
            principalArn: role.roleArn,
            principalType: 'IAM',
          });
        }
      });
    }

    // Side effects ride the table's stream: only request items (REQ#...), failed records reported
    // one by one, retried, then parked.
    fns.stream.addEventSource(
      new sources.DynamoEventSource(this.table, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 10,
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        retryAttempts: 10,
        maxRecordAge: Duration.days(1),
        onFailure: new sources.SqsDlq(this.failedEvents),
        filters: [lambda.FilterCriteria.filter({ dynamodb: { NewImage: { pk: { S: lambda.FilterRule.beginsWith('REQ#') } } } })],
      }),
    );
    // A lifecycle event that still fails after Lambda's own retries is kept (the reconciler also completes it).
    fns.controlTowerEvent.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new destinations.SqsDestination(this.failedEvents),
    });
    this.events = new AppEvents(this, 'Events', {
      controlTowerEvent: fns.controlTowerEvent,
      reconcile: fns.reconcile,
      deadLetterQueue: this.failedEvents,
    });

    this.canary = new CanaryDeployment(this, 'Canary', {
      alias: this.liveAlias,
      api: this.api.api,
      stageName: API_STAGE,
      logGroup: fns.logGroups.http,
      namespace,
    });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      dashboardName: name,
      namespace,
      functions: fns.all,
      logGroups: fns.logGroups,
      api: this.api.api,
      canary: this.canary,
      failedEvents: this.failedEvents,
    });

    this.apiUrlOutput = new CfnOutput(this, 'ApiUrl', {
      value: this.publicUrl,
      description: `API base URL (stage ${API_STAGE}): REST, web page, /healthz`,
    });
    new CfnOutput(this, 'ApprovalUrl', { value: `${this.publicUrl}/account/confirm`, description: 'Base of the signed approval links' });
    new CfnOutput(this, 'SlackEventsUrl', {
      value: `${this.publicUrl}/slack/events`,
      description: 'Request URL of the Slack app (events, interactivity, slash command)',
    });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'TopicArn', { value: this.topic.topicArn });
    new CfnOutput(this, 'SecretName', {
      value: `${deployment.appName}/${stageName}`,
      description: 'Fill in SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN (and API_KEY) here',
    });

    acknowledgeAppStack(this);
  }
}
