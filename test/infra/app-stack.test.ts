/**
 * The application stack of one environment (infra/lib/app-stack.ts, built by VendingStage), as
 * synthesized with cdk.json's feature flags: what each resource is and each property that matters,
 * read from the template. Sample settings: Dev/Staging/Prod in 111111111111/222222222222/333333333333,
 * eu-west-1; the Lex bot in eu-west-1 (same stack) or us-east-1 (its own stack).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { LIFECYCLE_EVENT_PATTERN } from '../../app/adapters/control-tower/lifecycle-events';
import { createTableInput, TTL_ATTRIBUTE } from '../../app/adapters/dynamodb/table-schema';
import { ERROR_LOG_PATTERN } from '../../infra/lib/app/canary';
import {
  ACCOUNT_CLOSE_ACTIONS,
  ACCOUNT_DIRECTORY_ACTIONS,
  ACCOUNT_FACTORY_LAUNCH_ACTIONS,
  ACCOUNT_FACTORY_RECORD_ACTIONS,
  BASELINE_ACTIONS,
  CONTROL_TOWER_PROVISIONING_ACTIONS,
  EVENT_RECORD_ACTIONS,
  LEX_ACTIONS,
  PRODUCT_CATALOG_ACTIONS,
  PRODUCT_LAUNCH_ACTIONS,
  PRODUCT_ROLE_ACTIONS,
  PROVISIONED_STACK_ACTIONS,
  SECRET_ACTIONS,
  TABLE_ACTIONS,
  TEMPLATE_CHECK_ACTIONS,
  TOPIC_ACTIONS,
} from '../../infra/lib/app/permissions';
import { AppStack, policyEmails } from '../../infra/lib/app-stack';
import { deploymentSchema, type StageName } from '../../infra/lib/config';
import { applyNagChecks } from '../../infra/lib/nag';
import { VendingStage } from '../../infra/lib/vending-stage';
import { bundle } from '../../scripts/bundle';

const root = join(__dirname, '..', '..');
const ACCOUNTS = { Dev: '111111111111', Staging: '222222222222', Prod: '333333333333' } as const;
const REGION = 'eu-west-1';
const OUS = ['Experiment', 'Demos (ou-abcd-12345678)'];

/** cdk.json's feature flags (what `cdk synth` uses), without its placeholder deployment. */
function featureFlags(): Record<string, unknown> {
  const file = join(root, 'cdk.json');
  if (!existsSync(file)) return {};
  const { vending: _placeholder, ...flags } =
    (JSON.parse(readFileSync(file, 'utf8')) as { context?: Record<string, unknown> }).context ?? {};
  return flags;
}

function sampleDeployment(
  lexRegion: string,
  accountFactory: 'service-catalog' | 'sandbox' = 'service-catalog',
  extra: Record<string, unknown> = {},
) {
  const stage = (account: string) => ({
    ...extra,
    accountFactory,
    account,
    region: REGION,
    lexRegion,
    approverEmail: 'approvers@example.com',
    slackApprovalChannel: 'C0123ABCD',
    slackApprovers: ['U0123ABCD', 'U0456EFGH'],
    throttle: { rateLimit: 25, burstLimit: 50 },
  });
  return deploymentSchema.parse({
    accountFactoryPortfolioId: 'port-abc123def456',
    organizationalUnits: OUS,
    repository: 'example-org/vending-bot',
    connectionArn: 'arn:aws:codeconnections:eu-west-1:111111111111:connection/4a4b4c4d-1111-2222-3333-444455556666',
    pipeline: { account: ACCOUNTS.Dev, region: REGION },
    stages: { dev: stage(ACCOUNTS.Dev), staging: stage(ACCOUNTS.Staging), prod: stage(ACCOUNTS.Prod) },
  });
}

interface Built {
  app: App;
  stage: VendingStage;
  stack: AppStack;
  template: Template;
  /** The logical id of a construct's CloudFormation resource. */
  id: (construct: IConstruct) => string;
}

/** A stage from the sample settings, synthesized. */
function buildStage(
  stageName: StageName,
  lexRegion = REGION,
  accountFactory: 'service-catalog' | 'sandbox' = 'service-catalog',
  extra: Record<string, unknown> = {},
): Built {
  const deployment = sampleDeployment(lexRegion, accountFactory, extra);
  const key = stageName.toLowerCase() as 'dev' | 'staging' | 'prod';
  const app = new App({ context: featureFlags() });
  const stage = new VendingStage(app, stageName, { stageName, deployment, settings: deployment.stages[key] });
  // As infra/bin/vending.ts does: synthesis fails on any finding not acknowledged.
  applyNagChecks(app);
  const stack = stage.app;
  const template = Template.fromStack(stack);
  const id = (construct: IConstruct) => stack.getLogicalId((construct.node.defaultChild ?? construct) as CfnElement);
  return { app, stage, stack, template, id };
}

type Resources = Record<
  string,
  { Type: string; Properties?: any; DependsOn?: string | string[]; UpdatePolicy?: any; DeletionPolicy?: string }
>;
const resources = (t: Template): Resources => t.toJSON().Resources;
const ofType = (t: Template, type: string) => Object.entries(resources(t)).filter(([, r]) => r.Type === type);
const asArray = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

/** Every statement of the policies attached to a role, actions as arrays. */
function statementsOf(t: Template, roleId: string): Array<{ Sid?: string; Action: string[]; Resource: unknown[]; Condition?: unknown }> {
  return ofType(t, 'AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleId })))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement)
    .map((s: any) => ({ ...s, Action: asArray(s.Action), Resource: asArray(s.Resource) }));
}
const actionsOf = (t: Template, roleId: string) => [...new Set(statementsOf(t, roleId).flatMap((s) => s.Action))].sort();
const sorted = (...lists: string[][]) => [...new Set(lists.flat())].sort();

/** The resources and parameters a value refers to (Ref, Fn::GetAtt), deep; pseudo parameters left out. */
function references(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const v of value) references(v, out);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'Ref' && typeof v === 'string') {
        if (!v.startsWith('AWS::')) out.add(v);
      } else if (k === 'Fn::GetAtt') out.add(Array.isArray(v) ? String(v[0]) : String(v).split('.')[0]);
      else references(v, out);
    }
  }
  return out;
}

/** A dependency cycle among a template's resources, or undefined. */
function findCycle(t: Template): string[] | undefined {
  const res = resources(t);
  // CloudFormation orders resources by every reference they make, the alias' UpdatePolicy included.
  const edges = new Map(
    Object.entries(res).map(([k, r]) => [
      k,
      [...references({ ...r, DependsOn: undefined }), ...asArray(r.DependsOn)].filter((d) => d in res),
    ]),
  );
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (node: string, path: string[]): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'visiting') return [...path, node];
    state.set(node, 'visiting');
    for (const next of edges.get(node) ?? []) {
      const cycle = visit(next, [...path, node]);
      if (cycle) return cycle;
    }
    state.set(node, 'done');
    return undefined;
  };
  for (const node of edges.keys()) {
    const cycle = visit(node, []);
    if (cycle) return cycle;
  }
  return undefined;
}

/** cdk-nag's AwsSolutions findings left after the acknowledgments, per stack (the stage must be synthesized). */
function nagFindings(stage: IConstruct): string[] {
  return new AwsSolutionsChecks()
    .validateScope(stage)
    .violations.map((v) => `${v.ruleName} (${v.severity}) at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
}

beforeAll(async () => {
  await bundle();
}, 60_000);

describe('the application stack of an environment (Lex in the same region)', () => {
  let dev: Built;
  let t: Template;
  beforeAll(() => {
    dev = buildStage('Dev');
    t = dev.template;
  });

  describe('Lambda functions', () => {
    const HANDLERS = {
      http: 'http.handler',
      controlTowerEvent: 'control-tower-event.handler',
      reconcile: 'reconcile.handler',
      stream: 'stream.handler',
    };

    it('runs the four handlers of the bundle on Node.js 22, arm64, each with its own log group kept for a month', () => {
      const fns = dev.stack.functions.all;
      for (const [name, handler] of Object.entries(HANDLERS)) {
        const fn = resources(t)[dev.id(fns[name as keyof typeof fns])];
        expect(fn.Properties).toMatchObject({ Handler: handler, Runtime: 'nodejs22.x', Architectures: ['arm64'] });
        expect(fn.Properties.Code.S3Key).toMatch(/\.zip$/);
        const logGroup = fn.Properties.LoggingConfig.LogGroup.Ref;
        expect(resources(t)[logGroup]).toMatchObject({
          Type: 'AWS::Logs::LogGroup',
          Properties: { RetentionInDays: 30 },
          DeletionPolicy: 'Delete',
        });
      }
      // One asset: the whole dist/lambda.
      expect(new Set(ofType(t, 'AWS::Lambda::Function').map(([, f]) => f.Properties.Code.S3Key)).size).toBe(1);
    });

    it("sizes them: the HTTP function 1 GB within API Gateway's 29 s, the others 512 MB", () => {
      const { http, controlTowerEvent, reconcile, stream } = dev.stack.functions.all;
      const props = (fn: IConstruct) => resources(t)[dev.id(fn)].Properties;
      expect(props(http)).toMatchObject({ MemorySize: 1024, Timeout: 29 });
      expect(props(controlTowerEvent)).toMatchObject({ MemorySize: 512, Timeout: 30 });
      expect(props(reconcile)).toMatchObject({ MemorySize: 512, Timeout: 120 });
      expect(props(stream)).toMatchObject({ MemorySize: 512, Timeout: 60 });
    });

    it('gives every function the settings app/boot/config.ts reads, the same for all', () => {
      const { stack, id } = dev;
      const apiId = id(stack.api.api);
      const expected = {
        TABLE_NAME: { Ref: id(stack.table) },
        SNS_TOPIC_ARN: { Ref: id(stack.topic) },
        SECRETS_NAME: 'VendingBot/Dev',
        LEX_BOT_ID: { 'Fn::GetAtt': [id(stack.lexBot!.bot), 'Id'] },
        LEX_BOT_ALIAS_ID: { 'Fn::GetAtt': [id(stack.lexBot!.alias), 'BotAliasId'] },
        LEX_LOCALE_ID: 'en_US',
        LEX_REGION: REGION,
        ACCOUNT_FACTORY_PRODUCT_NAME: 'AWS Control Tower Account Factory',
        ORGANIZATIONAL_UNITS: 'Experiment,Demos (ou-abcd-12345678)',
        APPROVER_EMAILS: { Ref: 'ApproverEmail' },
        SLACK_APPROVAL_CHANNEL: 'C0123ABCD',
        APPROVERS: 'U0123ABCD,U0456EFGH',
        LOG_LEVEL: 'info',
        NODE_OPTIONS: '--enable-source-maps',
        // The API's URL, from its id and the stage name (not from the stage resource): approval links point at it.
        PUBLIC_URL: { 'Fn::Join': ['', ['https://', { Ref: apiId }, `.execute-api.${REGION}.`, { Ref: 'AWS::URLSuffix' }, '/api']] },
      };
      for (const [, fn] of ofType(t, 'AWS::Lambda::Function')) expect(fn.Properties.Environment.Variables).toEqual(expected);
      // Nothing secret in any environment: secrets are read from Secrets Manager at run time.
      const env = JSON.stringify(ofType(t, 'AWS::Lambda::Function').map(([, f]) => f.Properties.Environment));
      for (const secret of ['SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN', 'APPROVAL_SECRET', 'API_KEY']) expect(env).not.toContain(secret);
    });

    it("has no dependency cycle, although the HTTP function's PUBLIC_URL names the API that calls it", () => {
      expect(findCycle(t)).toBeUndefined();
      expect(() => dev.app.synth()).not.toThrow();
    });
  });

  describe('API Gateway', () => {
    it("proxies every route (/, /account, /account/confirm/{token}, /requests/..., /slack/events, /healthz) to the HTTP function's live alias", () => {
      const aliasId = dev.id(dev.stack.liveAlias);
      const methods = ofType(t, 'AWS::ApiGateway::Method').map(([, m]) => m.Properties);
      expect(methods).toHaveLength(2);
      for (const m of methods) {
        expect(m).toMatchObject({
          HttpMethod: 'ANY',
          AuthorizationType: 'NONE',
          Integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' },
        });
        expect(references(m.Integration.Uri)).toEqual(new Set([aliasId]));
      }
      expect(ofType(t, 'AWS::ApiGateway::Resource').map(([, r]) => r.Properties.PathPart)).toEqual(['{proxy+}']);
      expect(resources(t)[aliasId].Properties).toMatchObject({ Name: 'live' });
      // Only API Gateway may invoke the alias, from this API.
      const permissions = ofType(t, 'AWS::Lambda::Permission').filter(([, p]) => p.Properties.Principal === 'apigateway.amazonaws.com');
      expect(permissions).toHaveLength(2);
      for (const [, p] of permissions) expect(p.Properties.FunctionName).toEqual({ Ref: aliasId });
    });

    it("throttles the stage with the environment's limits and logs every request to its access log group, errors only in execution logs", () => {
      const [[, stage]] = ofType(t, 'AWS::ApiGateway::Stage');
      expect(stage.Properties.StageName).toBe('api');
      expect(stage.Properties.MethodSettings).toEqual([
        expect.objectContaining({
          HttpMethod: '*',
          ResourcePath: '/*',
          ThrottlingRateLimit: 25,
          ThrottlingBurstLimit: 50,
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
        }),
      ]);
      const accessLogs = dev.id(dev.stack.api.accessLogs);
      expect(references(stage.Properties.AccessLogSetting.DestinationArn)).toEqual(new Set([accessLogs]));
      const format = JSON.parse(stage.Properties.AccessLogSetting.Format);
      expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status', ip: '$context.identity.sourceIp' });
      expect(resources(t)[accessLogs].Properties.RetentionInDays).toBe(30);
      expect(ofType(t, 'AWS::ApiGateway::RestApi')[0][1].Properties).toMatchObject({
        Name: 'VendingBot-Dev',
        EndpointConfiguration: { Types: ['REGIONAL'] },
      });
    });
  });

  describe('canary deployment of the HTTP function', () => {
    it('shifts 10% of traffic for 5 minutes through CodeDeploy and rolls back on its three alarms', () => {
      const { canary } = dev.stack;
      const [[, group]] = ofType(t, 'AWS::CodeDeploy::DeploymentGroup');
      expect(group.Properties.DeploymentConfigName).toBe('CodeDeployDefault.LambdaCanary10Percent5Minutes');
      expect(group.Properties.AutoRollbackConfiguration).toEqual({
        Enabled: true,
        Events: expect.arrayContaining(['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST', 'DEPLOYMENT_STOP_ON_ALARM']),
      });
      expect(group.Properties.AlarmConfiguration.Enabled).toBe(true);
      expect(references(group.Properties.AlarmConfiguration.Alarms)).toEqual(
        new Set([canary.functionErrors, canary.api5xx, canary.errorLogs].map(dev.id)),
      );
      // CloudFormation hands every change of the alias to that deployment group.
      const alias = resources(t)[dev.id(dev.stack.liveAlias)];
      expect(alias.UpdatePolicy.CodeDeployLambdaAliasUpdate.DeploymentGroupName).toEqual({ Ref: dev.id(canary.deploymentGroup) });
    });

    it('alarms on a single failed invocation of the live alias in a minute', () => {
      const alarm = resources(t)[dev.id(dev.stack.canary.functionErrors)].Properties;
      expect(alarm).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Statistic: 'Sum',
        Period: 60,
        Threshold: 1,
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
      const dims = Object.fromEntries(alarm.Dimensions.map((d: any) => [d.Name, d.Value]));
      expect(references(dims.FunctionName)).toEqual(new Set([dev.id(dev.stack.functions.http)]));
      expect(JSON.stringify(dims.Resource)).toContain(':live');
    });

    it('alarms on a single 5xx answer of the API stage in a minute', () => {
      const alarm = resources(t)[dev.id(dev.stack.canary.api5xx)].Properties;
      expect(alarm).toMatchObject({
        Namespace: 'AWS/ApiGateway',
        MetricName: '5XXError',
        Statistic: 'Sum',
        Period: 60,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
      // By name: a reference to the stage would close a cycle (alias update policy → deployment group → alarm → stage → alias).
      expect(alarm.Dimensions).toEqual([
        { Name: 'ApiName', Value: 'VendingBot-Dev' },
        { Name: 'Stage', Value: 'api' },
      ]);
    });

    it('alarms on a single error-level log line of the HTTP function in a minute', () => {
      const alarm = resources(t)[dev.id(dev.stack.canary.errorLogs)].Properties;
      expect(alarm).toMatchObject({
        Namespace: 'VendingBot/Dev',
        MetricName: 'HttpErrorLogLines',
        Statistic: 'Sum',
        Period: 60,
        Threshold: 1,
      });
      const filter = ofType(t, 'AWS::Logs::MetricFilter').find(
        ([, f]) => f.Properties.MetricTransformations[0].MetricName === 'HttpErrorLogLines',
      )![1].Properties;
      expect(ERROR_LOG_PATTERN).toBe('{ $.level = "error" || $.level = "fatal" }');
      expect(filter.FilterPattern).toBe(ERROR_LOG_PATTERN);
      expect(filter.LogGroupName).toEqual({ Ref: dev.id(dev.stack.functions.logGroups.http) });
      expect(filter.MetricTransformations).toEqual([
        { MetricNamespace: 'VendingBot/Dev', MetricName: 'HttpErrorLogLines', MetricValue: '1' },
      ]);
    });
  });

  describe('DynamoDB table', () => {
    const schema = createTableInput('x');
    const byName = <T extends { AttributeName?: string; IndexName?: string }>(list: T[] = []) =>
      [...list].sort((a, b) => String(a.AttributeName ?? a.IndexName).localeCompare(String(b.AttributeName ?? b.IndexName)));

    it('has the key design of app/adapters/dynamodb/table-schema.ts: keys, attributes and indexes equal to createTableInput', () => {
      const [[, table]] = ofType(t, 'AWS::DynamoDB::Table');
      const p = table.Properties;
      expect(p.KeySchema).toEqual(schema.KeySchema);
      expect(byName(p.AttributeDefinitions)).toEqual(byName(schema.AttributeDefinitions));
      expect(byName(p.GlobalSecondaryIndexes)).toEqual(byName(schema.GlobalSecondaryIndexes));
      expect(p.GlobalSecondaryIndexes.map((g: any) => g.IndexName).sort()).toEqual(['byAccount', 'byRequester', 'byStatus', 'effectsDue']);
    });

    it('is on-demand, with point-in-time recovery, the TTL attribute, and a NEW_IMAGE stream', () => {
      const [[, table]] = ofType(t, 'AWS::DynamoDB::Table');
      expect(table.Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
        StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
      });
      expect(TTL_ATTRIBUTE).toBe('ttl');
    });

    it('can be deleted outside Prod', () => {
      const [[, table]] = ofType(t, 'AWS::DynamoDB::Table');
      expect(table.Properties.DeletionProtectionEnabled).toBe(false);
      expect(table.DeletionPolicy).toBe('Delete');
    });

    it('feeds its stream to the stream function: request items only, failed records reported one by one, retried, then parked', () => {
      const [[, mapping]] = ofType(t, 'AWS::Lambda::EventSourceMapping');
      expect(mapping.Properties).toMatchObject({
        FunctionName: { Ref: dev.id(dev.stack.functions.stream) },
        EventSourceArn: { 'Fn::GetAtt': [dev.id(dev.stack.table), 'StreamArn'] },
        StartingPosition: 'TRIM_HORIZON',
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 10,
        MaximumRecordAgeInSeconds: 86400,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [dev.id(dev.stack.failedEvents), 'Arn'] } } },
      });
      expect(mapping.Properties.FilterCriteria.Filters.map((f: any) => JSON.parse(f.Pattern))).toEqual([
        { dynamodb: { NewImage: { pk: { S: [{ prefix: 'REQ#' }] } } } },
      ]);
    });
  });

  describe('IAM: least privilege per function', () => {
    const logActions = ['logs:CreateLogStream', 'logs:PutLogEvents'];
    const ct = CONTROL_TOWER_PROVISIONING_ACTIONS;

    it('lets the HTTP function use the table, the Lex bot alias and the secret, nothing else', () => {
      expect(actionsOf(t, dev.id(dev.stack.functions.httpRole))).toEqual(sorted(logActions, TABLE_ACTIONS, LEX_ACTIONS, SECRET_ACTIONS));
      expect(TABLE_ACTIONS).toEqual([
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:ConditionCheckItem',
        'dynamodb:Query',
      ]);
      expect(LEX_ACTIONS).toEqual(['lex:RecognizeText', 'lex:DeleteSession']);
      expect(SECRET_ACTIONS).toEqual(['secretsmanager:GetSecretValue']);
    });

    it("lets the Control Tower event function use the table and the secret, park a failed event, describe the event's account and read Account Factory records", () => {
      expect(actionsOf(t, dev.id(dev.stack.functions.eventRole))).toEqual(
        sorted(
          logActions,
          TABLE_ACTIONS,
          SECRET_ACTIONS,
          ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
          ACCOUNT_DIRECTORY_ACTIONS,
          EVENT_RECORD_ACTIONS,
        ),
      );
      // Organizations DescribeAccount (app/adapters/organizations/directory.ts) and DescribeRecord (Provisioner.complete), nothing that writes.
      expect(ACCOUNT_DIRECTORY_ACTIONS).toEqual(['organizations:DescribeAccount']);
      expect(EVENT_RECORD_ACTIONS).toEqual(['servicecatalog:DescribeRecord']);
    });

    it("limits the event function's DescribeAccount to accounts of an organization this account manages, and its DescribeRecord to reading", () => {
      const statements = statementsOf(t, dev.id(dev.stack.functions.eventRole));
      const find = (action: string) => statements.filter((s) => s.Action.includes(action));
      const [describeAccount] = find('organizations:DescribeAccount');
      expect(describeAccount.Action).toEqual(['organizations:DescribeAccount']);
      expect(describeAccount.Resource).toEqual([`arn:aws:organizations::${ACCOUNTS.Dev}:account/o-*/*`]);
      const [describeRecord] = find('servicecatalog:DescribeRecord');
      expect(describeRecord.Action).toEqual(['servicecatalog:DescribeRecord']);
      // The records are the provisioner role's launches: roleLevel=self would hide them from this role.
      expect(describeRecord.Condition).toEqual({ StringEquals: { 'servicecatalog:accountLevel': 'self' } });
    });

    it('lets the provisioner (stream, schedule) use the table and its stream, the topic, the secret and Account Factory as Control Tower documents it', () => {
      const streamRead = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'];
      const dlq = ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'];
      expect(actionsOf(t, dev.id(dev.stack.functions.provisionerRole))).toEqual(
        sorted(
          logActions,
          TABLE_ACTIONS,
          streamRead,
          dlq,
          TOPIC_ACTIONS,
          SECRET_ACTIONS,
          ACCOUNT_FACTORY_LAUNCH_ACTIONS,
          ACCOUNT_FACTORY_RECORD_ACTIONS,
          // a close request: the account described and closed in Organizations
          ACCOUNT_DIRECTORY_ACTIONS,
          ACCOUNT_CLOSE_ACTIONS,
          ct.identityCenter,
          ct.controlTower,
          ct.organizations,
          ct.template,
          PROVISIONED_STACK_ACTIONS,
          TEMPLATE_CHECK_ACTIONS,
          // the baseline after vending, carried out as effects by this role
          ...Object.values(BASELINE_ACTIONS),
        ),
      );
      expect(TOPIC_ACTIONS).toEqual(['sns:Publish']);
      // The Control Tower guide's example policy for provisioning accounts from a Lambda function lists these two besides the others.
      expect(actionsOf(t, dev.id(dev.stack.functions.provisionerRole))).toEqual(
        expect.arrayContaining(['organizations:DescribeOrganization', 'sso:DescribeRegisteredRegions']),
      );
      expect(ct.organizations).toEqual([
        'organizations:CreateAccount',
        'organizations:DescribeCreateAccountStatus',
        'organizations:DescribeOrganization',
      ]);
      expect(ACCOUNT_FACTORY_LAUNCH_ACTIONS.concat(ACCOUNT_FACTORY_RECORD_ACTIONS).sort()).toEqual(
        [
          'servicecatalog:DescribeProduct',
          'servicecatalog:ListLaunchPaths',
          'servicecatalog:ProvisionProduct',
          'servicecatalog:DescribeProvisionedProduct',
          'servicecatalog:DescribeRecord',
          // a retry after a failure updates the failed provisioned product, and a move updates the account's
          'servicecatalog:UpdateProvisionedProduct',
          // a close first takes the account out of Control Tower (and finds that termination again when its answer was lost)
          'servicecatalog:TerminateProvisionedProduct',
          'servicecatalog:ListRecordHistory',
        ].sort(),
      );
    });

    it("lets the provisioner move and unmanage accounts it vended: Update and TerminateProvisionedProduct on this role's provisioned products only", () => {
      const statements = statementsOf(t, dev.id(dev.stack.functions.provisionerRole));
      for (const action of ['servicecatalog:UpdateProvisionedProduct', 'servicecatalog:TerminateProvisionedProduct']) {
        const granting = statements.filter((s) => s.Action.includes(action));
        expect(granting).toHaveLength(1);
        expect(granting[0].Resource).toEqual(['*']);
        expect(granting[0].Condition).toEqual({ StringEquals: { 'servicecatalog:roleLevel': 'self' } });
      }
    });

    it('lets the provisioner close accounts of an organization this account manages (DescribeAccount, CloseAccount), and only the provisioner', () => {
      expect(ACCOUNT_CLOSE_ACTIONS).toEqual(['organizations:CloseAccount']);
      const statements = statementsOf(t, dev.id(dev.stack.functions.provisionerRole));
      for (const action of ['organizations:DescribeAccount', 'organizations:CloseAccount']) {
        const granting = statements.filter((s) => s.Action.includes(action));
        expect(granting).toHaveLength(1);
        expect(granting[0].Resource).toEqual([`arn:aws:organizations::${ACCOUNTS.Dev}:account/o-*/*`]);
        expect(granting[0].Condition).toBeUndefined();
      }
      for (const role of [dev.stack.functions.httpRole, dev.stack.functions.eventRole]) {
        expect(actionsOf(t, dev.id(role))).not.toContain('organizations:CloseAccount');
      }
    });

    it("names every action: no wildcard in any function's actions, and no managed policy on their roles", () => {
      const { httpRole, eventRole, provisionerRole } = dev.stack.functions;
      for (const role of [httpRole, eventRole, provisionerRole]) {
        for (const action of actionsOf(t, dev.id(role))) expect(action).not.toContain('*');
        expect(resources(t)[dev.id(role)].Properties.ManagedPolicyArns).toBeUndefined();
        expect(resources(t)[dev.id(role)].Properties.AssumeRolePolicyDocument.Statement).toEqual([
          { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
        ]);
      }
    });

    it('grants each action on its own resource: the table and its indexes, the bot alias, the topic, the secret', () => {
      const { stack, id } = dev;
      const resourcesOf = (roleId: string, action: string) =>
        statementsOf(t, roleId)
          .filter((s) => s.Action.includes(action))
          .flatMap((s) => s.Resource);
      const table = { 'Fn::GetAtt': [id(stack.table), 'Arn'] };
      for (const role of [stack.functions.httpRole, stack.functions.eventRole, stack.functions.provisionerRole]) {
        for (const action of TABLE_ACTIONS) {
          expect(resourcesOf(id(role), action)).toEqual([table, { 'Fn::Join': ['', [table, '/index/*']] }]);
        }
        expect(resourcesOf(id(role), 'secretsmanager:GetSecretValue')).toEqual([{ Ref: id(stack.secret) }]);
      }
      for (const action of LEX_ACTIONS)
        expect(resourcesOf(id(stack.functions.httpRole), action)).toEqual([{ 'Fn::GetAtt': [id(stack.lexBot!.alias), 'Arn'] }]);
      expect(resourcesOf(id(stack.functions.provisionerRole), 'sns:Publish')).toEqual([{ Ref: id(stack.topic) }]);
    });

    it('limits what Service Catalog and S3 allow where the service can: records of this role only, templates Service Catalog tagged, SC-* stacks of this account', () => {
      const statements = statementsOf(t, dev.id(dev.stack.functions.provisionerRole));
      const find = (action: string) => statements.find((s) => s.Action.includes(action))!;
      expect(find('servicecatalog:DescribeRecord').Condition).toEqual({ StringEquals: { 'servicecatalog:roleLevel': 'self' } });
      expect(find('s3:GetObject').Condition).toEqual({ StringEquals: { 's3:ExistingObjectTag/servicecatalog:provisioning': 'true' } });
      const scStacks = ['stack', 'changeSet'].map((resource) =>
        dev.stack.resolve(dev.stack.formatArn({ service: 'cloudformation', resource, resourceName: 'SC-*' })),
      );
      expect(find('cloudformation:CreateStack').Resource).toEqual(expect.arrayContaining(scStacks));
      expect(find('cloudformation:CreateStack').Resource).toHaveLength(2);
      expect(JSON.stringify(scStacks)).toContain(`:cloudformation:${REGION}:${ACCOUNTS.Dev}:stack/SC-*`);
    });

    it('associates the provisioner role, "the bot\'s role", with the Account Factory portfolio', () => {
      const [[, association]] = ofType(t, 'AWS::ServiceCatalog::PortfolioPrincipalAssociation');
      expect(association.Properties).toEqual({
        PortfolioId: 'port-abc123def456',
        PrincipalARN: { 'Fn::GetAtt': [dev.id(dev.stack.functions.provisionerRole), 'Arn'] },
        PrincipalType: 'IAM',
      });
    });

    it('gives a stage on the sandbox factory (a member account) no Account Factory access at all', () => {
      const sandbox = buildStage('Dev', REGION, 'sandbox');
      expect(ofType(sandbox.template, 'AWS::ServiceCatalog::PortfolioPrincipalAssociation')).toEqual([]);
      for (const role of [sandbox.stack.functions.provisionerRole, sandbox.stack.functions.eventRole]) {
        const actions = actionsOf(sandbox.template, sandbox.id(role));
        expect(actions.filter((a) => /^(servicecatalog|controltower|organizations|sso|cloudformation):/.test(a))).toEqual([]);
      }
      const env = ofType(sandbox.template, 'AWS::Lambda::Function').map(([, f]) => f.Properties.Environment?.Variables ?? {});
      expect(env.some((v) => 'ACCOUNT_FACTORY_PRODUCT_NAME' in v || 'ACCOUNT_FACTORY_PRODUCT_ID' in v)).toBe(false);
    });
  });

  describe('Service Catalog products (productPortfolioIds)', () => {
    const PORTFOLIOS = ['port-prod111aaa', 'port-prod222bbb'];
    const productActions = (a: string) =>
      /^servicecatalog:(SearchProductsAsAdmin|DescribeProvisioningParameters)$|^sts:AssumeRole$/.test(a);
    let products: Built;
    beforeAll(() => {
      products = buildStage('Dev', REGION, 'service-catalog', { productPortfolioIds: PORTFOLIOS });
    });

    it('are off by default: no product settings, no product permissions, no product portfolio associations', () => {
      expect(deploymentSchema.parse(sampleDeployment(REGION)).stages.dev).toMatchObject({
        productPortfolioIds: [],
        productLaunchRoleName: 'AWSControlTowerExecution',
      });
      for (const [, fn] of ofType(t, 'AWS::Lambda::Function')) {
        expect(Object.keys(fn.Properties.Environment.Variables).filter((k) => k.startsWith('PRODUCT_'))).toEqual([]);
      }
      const { httpRole, eventRole, provisionerRole } = dev.stack.functions;
      for (const role of [httpRole, eventRole, provisionerRole]) expect(actionsOf(t, dev.id(role)).filter(productActions)).toEqual([]);
      expect(actionsOf(t, dev.id(httpRole)).filter((a) => a.startsWith('servicecatalog:'))).toEqual([]);
      expect(ofType(t, 'AWS::ServiceCatalog::PortfolioPrincipalAssociation')).toHaveLength(1);
    });

    it('tell every function the portfolios (comma-separated) and the launch role', () => {
      for (const [, fn] of ofType(products.template, 'AWS::Lambda::Function')) {
        expect(fn.Properties.Environment.Variables).toMatchObject({
          PRODUCT_PORTFOLIO_IDS: 'port-prod111aaa,port-prod222bbb',
          PRODUCT_LAUNCH_ROLE_NAME: 'AWSControlTowerExecution',
        });
      }
    });

    it('let the HTTP door (web, REST, Slack) read the catalog, and nothing more', () => {
      expect(PRODUCT_CATALOG_ACTIONS).toEqual([
        'servicecatalog:SearchProductsAsAdmin',
        'servicecatalog:DescribeProduct',
        'servicecatalog:ListLaunchPaths',
        'servicecatalog:DescribeProvisioningParameters',
      ]);
      const http = products.id(products.stack.functions.httpRole);
      expect(actionsOf(products.template, http)).toEqual(
        sorted(actionsOf(t, dev.id(dev.stack.functions.httpRole)), PRODUCT_CATALOG_ACTIONS),
      );
      const catalog = statementsOf(products.template, http).filter((s) => s.Action.some((a) => a.startsWith('servicecatalog:')));
      expect(catalog).toEqual([
        expect.objectContaining({ Sid: 'ProductCatalog', Action: sorted(PRODUCT_CATALOG_ACTIONS), Resource: ['*'] }),
      ]);
    });

    it('let the provisioner read the catalog, launch, follow and terminate its own launches, and assume the launch role by name only', () => {
      expect([...PRODUCT_LAUNCH_ACTIONS].sort()).toEqual(
        [
          'servicecatalog:ProvisionProduct',
          'servicecatalog:DescribeRecord',
          'servicecatalog:TerminateProvisionedProduct',
          'servicecatalog:DescribeProvisionedProduct',
          'servicecatalog:ListRecordHistory',
        ].sort(),
      );
      expect(PRODUCT_ROLE_ACTIONS).toEqual(['sts:AssumeRole']);
      const provisioner = products.id(products.stack.functions.provisionerRole);
      expect(actionsOf(products.template, provisioner)).toEqual(
        sorted(
          actionsOf(t, dev.id(dev.stack.functions.provisionerRole)),
          PRODUCT_CATALOG_ACTIONS,
          PRODUCT_LAUNCH_ACTIONS,
          PRODUCT_ROLE_ACTIONS,
        ),
      );
      const statements = statementsOf(products.template, provisioner);
      const bySid = (sid: string) => statements.find((s) => s.Sid === sid)!;
      expect(bySid('ProductCatalog')).toMatchObject({ Action: sorted(PRODUCT_CATALOG_ACTIONS), Resource: ['*'] });
      expect(bySid('ProductLaunch')).toMatchObject({ Action: ['servicecatalog:ProvisionProduct'], Resource: ['*'] });
      expect(bySid('ProductRecords').Condition).toEqual({ StringEquals: { 'servicecatalog:roleLevel': 'self' } });
      const assume = statements.filter((s) => s.Action.includes('sts:AssumeRole'));
      expect(assume).toEqual([
        expect.objectContaining({ Action: ['sts:AssumeRole'], Resource: ['arn:aws:iam::*:role/AWSControlTowerExecution'] }),
      ]);
      // The Control Tower event function gets none of it.
      const event = products.id(products.stack.functions.eventRole);
      expect(actionsOf(products.template, event)).toEqual(actionsOf(t, dev.id(dev.stack.functions.eventRole)));
    });

    it('associate the HTTP and provisioner roles with each product portfolio (launch paths are per principal)', () => {
      const associations = ofType(products.template, 'AWS::ServiceCatalog::PortfolioPrincipalAssociation').map(([, a]) => a.Properties);
      const arn = (role: IConstruct) => ({ 'Fn::GetAtt': [products.id(role), 'Arn'] });
      const { httpRole, provisionerRole } = products.stack.functions;
      expect(associations).toEqual(
        expect.arrayContaining(
          PORTFOLIOS.flatMap((PortfolioId) =>
            [httpRole, provisionerRole].map((role) => ({ PortfolioId, PrincipalARN: arn(role), PrincipalType: 'IAM' })),
          ),
        ),
      );
      // ...and the provisioner with the Account Factory portfolio, as before.
      expect(associations).toHaveLength(5);
    });

    it("pass cdk-nag's AwsSolutions rules", () => {
      expect(nagFindings(products.stage)).toEqual([]);
    });

    it('use the configured launch role, on a sandbox stage too (no Account Factory there), and pass cdk-nag', () => {
      const sandbox = buildStage('Dev', REGION, 'sandbox', {
        productPortfolioIds: ['port-prod111aaa'],
        productLaunchRoleName: 'VendingProductLaunch',
      });
      for (const [, fn] of ofType(sandbox.template, 'AWS::Lambda::Function')) {
        expect(fn.Properties.Environment.Variables).toMatchObject({
          PRODUCT_PORTFOLIO_IDS: 'port-prod111aaa',
          PRODUCT_LAUNCH_ROLE_NAME: 'VendingProductLaunch',
        });
      }
      const provisioner = sandbox.id(sandbox.stack.functions.provisionerRole);
      const assume = statementsOf(sandbox.template, provisioner).filter((s) => s.Action.includes('sts:AssumeRole'));
      expect(assume.flatMap((s) => s.Resource)).toEqual(['arn:aws:iam::*:role/VendingProductLaunch']);
      expect(actionsOf(sandbox.template, provisioner).filter((a) => a.startsWith('servicecatalog:'))).toEqual(
        sorted(PRODUCT_CATALOG_ACTIONS, PRODUCT_LAUNCH_ACTIONS),
      );
      expect(ofType(sandbox.template, 'AWS::ServiceCatalog::PortfolioPrincipalAssociation')).toHaveLength(2);
      expect(nagFindings(sandbox.stage)).toEqual([]);
    });

    it('refuses a portfolio id that is not one', () => {
      expect(() => sampleDeployment(REGION, 'service-catalog', { productPortfolioIds: ['prod-abc'] })).toThrow(/port-/);
    });
  });

  describe('EventBridge', () => {
    it('sends Control Tower lifecycle events, as app/adapters/control-tower/lifecycle-events.ts selects them, to their function', () => {
      const rule = resources(t)[dev.id(dev.stack.events.lifecycleRule)].Properties;
      expect(rule.EventPattern).toEqual(LIFECYCLE_EVENT_PATTERN);
      expect(rule.Targets).toEqual([
        expect.objectContaining({
          Arn: { 'Fn::GetAtt': [dev.id(dev.stack.functions.controlTowerEvent), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 21600 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dev.id(dev.stack.failedEvents), 'Arn'] } },
        }),
      ]);
      // What still fails inside the function after Lambda's own retries is parked too.
      const [[, config]] = ofType(t, 'AWS::Lambda::EventInvokeConfig');
      expect(config.Properties).toMatchObject({
        FunctionName: { Ref: dev.id(dev.stack.functions.controlTowerEvent) },
        MaximumRetryAttempts: 2,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [dev.id(dev.stack.failedEvents), 'Arn'] } } },
      });
    });

    it('runs the reconciler every 5 minutes', () => {
      const rule = resources(t)[dev.id(dev.stack.events.scheduleRule)].Properties;
      expect(rule.ScheduleExpression).toBe('rate(5 minutes)');
      expect(rule.Targets).toEqual([expect.objectContaining({ Arn: { 'Fn::GetAtt': [dev.id(dev.stack.functions.reconcile), 'Arn'] } })]);
    });
  });

  describe('SNS approval e-mail', () => {
    it("subscribes the approvers' address from a parameter, filtered on the messages addressed to it", () => {
      expect(t.toJSON().Parameters.ApproverEmail).toMatchObject({ Type: 'String', Default: 'approvers@example.com' });
      const [[, subscription]] = ofType(t, 'AWS::SNS::Subscription');
      expect(subscription.Properties).toEqual({
        Protocol: 'email',
        Endpoint: { Ref: 'ApproverEmail' },
        TopicArn: { Ref: dev.id(dev.stack.topic) },
        // app/adapters/sns/sns-notifier.ts sends each message with a `to` attribute.
        FilterPolicy: { to: [{ Ref: 'ApproverEmail' }] },
      });
    });

    it("subscribes every address of the approval policy's groups, each filtered on its own messages", () => {
      const example = join(root, 'manifest', 'approval-policy.example.yml');
      expect(policyEmails(example)).toEqual([
        'ana.ccoe@example.com',
        'ben.ccoe@example.com',
        'pat.platform@example.com',
        'sam.sec@example.com',
        'sec@example.com',
      ]);
      const deployment = sampleDeployment(REGION);
      const stack = new AppStack(new App({ context: featureFlags() }), 'PolicyStack', {
        env: { account: ACCOUNTS.Dev, region: REGION },
        stageName: 'Dev',
        deployment,
        settings: deployment.stages.dev,
        approvalPolicyPath: example,
      });
      const subs = ofType(Template.fromStack(stack), 'AWS::SNS::Subscription').map(([, s]) => s.Properties);
      expect(subs.map((s) => s.Endpoint)).toEqual([{ Ref: 'ApproverEmail' }, ...policyEmails(example)]);
      for (const s of subs) expect(s.FilterPolicy).toEqual({ to: [s.Endpoint] });
    });

    it('encrypts the topic and refuses unencrypted publishing', () => {
      const topic = resources(t)[dev.id(dev.stack.topic)].Properties;
      expect(JSON.stringify(topic.KmsMasterKeyId)).toContain('alias/aws/sns');
      const [[, policy]] = ofType(t, 'AWS::SNS::TopicPolicy');
      expect(policy.Properties.PolicyDocument.Statement).toEqual([
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      ]);
    });
  });

  describe('Secrets Manager', () => {
    it('creates the secret the functions read by name: an approval key generated by Secrets Manager, the Slack keys empty to fill in', () => {
      const [[, secret]] = ofType(t, 'AWS::SecretsManager::Secret');
      expect(secret.Properties.Name).toBe('VendingBot/Dev');
      expect(secret.Properties.SecretString).toBeUndefined();
      const generate = secret.Properties.GenerateSecretString;
      expect(generate).toMatchObject({ GenerateStringKey: 'APPROVAL_SECRET', PasswordLength: 64, ExcludePunctuation: true });
      expect(JSON.parse(generate.SecretStringTemplate)).toEqual({ SLACK_SIGNING_SECRET: '', SLACK_BOT_TOKEN: '', API_KEY: '' });
    });

    it('keeps every secret value out of the template', () => {
      const text = JSON.stringify(t.toJSON());
      expect(text).not.toMatch(/xox[bpa]-|xapp-/);
      expect(text).not.toContain('"SecretString"');
    });
  });

  describe('alarms and dashboard', () => {
    it('alarms on background failures, parked events and a stream that falls behind', () => {
      const m = dev.stack.monitoring;
      const alarm = (a: IConstruct) => resources(t)[dev.id(a)].Properties;
      expect(alarm(m.backgroundErrors).Metrics.find((x: any) => x.Expression).Expression).toBe('e0+e1+e2');
      expect(alarm(m.backgroundErrorLogs)).toMatchObject({
        Namespace: 'VendingBot/Dev',
        MetricName: 'BackgroundErrorLogLines',
        Threshold: 1,
      });
      expect(alarm(m.failedEvents)).toMatchObject({ Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 1 });
      expect(alarm(m.streamIteratorAge)).toMatchObject({ MetricName: 'IteratorAge', Statistic: 'Maximum', Threshold: 15 * 60 * 1000 });
      expect(ofType(t, 'AWS::CloudWatch::Alarm')).toHaveLength(7);
    });

    it("counts requests by state from the app's log lines about them", () => {
      const filters = ofType(t, 'AWS::Logs::MetricFilter').map(([, f]) => f.Properties);
      const byMetric = (name: string) => filters.filter((f) => f.MetricTransformations[0].MetricName === name);
      expect(byMetric('RequestsCreated').map((f) => f.FilterPattern)).toEqual(['{ $.msg = "request created" }']);
      const transitions = byMetric('RequestTransitions');
      expect(transitions[0]).toMatchObject({
        FilterPattern: '{ $.msg = "request transition" }',
        MetricTransformations: [{ Dimensions: [{ Key: 'To', Value: '$.to' }] }],
      });
      // Every function that moves requests along logs transitions: decisions, the queue, events, the schedule.
      expect(transitions.map((f) => f.LogGroupName)).toEqual(
        (['http', 'controlTowerEvent', 'reconcile', 'stream'] as const).map((n) => ({ Ref: dev.id(dev.stack.functions.logGroups[n]) })),
      );
    });

    it('draws requests by state, errors and latency on one dashboard', () => {
      const [[, dashboard]] = ofType(t, 'AWS::CloudWatch::Dashboard');
      expect(dashboard.Properties.DashboardName).toBe('VendingBot-Dev');
      const body = JSON.stringify(dashboard.Properties.DashboardBody);
      for (const text of [
        'Requests by state',
        'RequestsCreated',
        'RequestTransitions',
        'SUCCEEDED',
        'FAILED',
        'Errors',
        '5XXError',
        'Latency',
        'IteratorAge',
      ])
        expect(body).toContain(text);
    });
  });

  it('outputs the URLs to configure (API, approval links, Slack request URL) and the names to operate', () => {
    const outputs = t.toJSON().Outputs;
    const url = dev.stack.resolve(dev.stack.publicUrl);
    const join = (suffix: string) => ({ 'Fn::Join': ['', [...url['Fn::Join'][1].slice(0, -1), `${url['Fn::Join'][1].at(-1)}${suffix}`]] });
    expect(outputs.ApiUrl.Value).toEqual(url);
    expect(outputs.ApprovalUrl.Value).toEqual(join('/account/confirm'));
    expect(outputs.SlackEventsUrl.Value).toEqual(join('/slack/events'));
    expect(outputs.TableName.Value).toEqual({ Ref: dev.id(dev.stack.table) });
    expect(outputs.TopicArn.Value).toEqual({ Ref: dev.id(dev.stack.topic) });
    expect(outputs.SecretName.Value).toBe('VendingBot/Dev');
    expect(dev.stack.apiUrlOutput.node.id).toBe('ApiUrl');
  });

  it("builds the Lex bot in this stack when the Lex region is the stack's", () => {
    expect(dev.stage.lex).toBeUndefined();
    expect(ofType(t, 'AWS::Lex::Bot')).toHaveLength(1);
    expect(ofType(t, 'AWS::Lex::BotAlias')).toHaveLength(1);
  });

  it("passes cdk-nag's AwsSolutions rules: every finding left is acknowledged with its reason (infra/lib/nag.ts)", () => {
    expect(nagFindings(dev.stage)).toEqual([]);
  });
});

describe('the Prod environment', () => {
  let prod: Built;
  beforeAll(() => {
    prod = buildStage('Prod');
  });

  it('protects the table from deletion and keeps it if the stack goes', () => {
    const [[, table]] = ofType(prod.template, 'AWS::DynamoDB::Table');
    expect(table.Properties.DeletionProtectionEnabled).toBe(true);
    expect(table.DeletionPolicy).toBe('Retain');
  });

  it('keeps the secret and the logs, a year of them', () => {
    expect(ofType(prod.template, 'AWS::SecretsManager::Secret')[0][1].DeletionPolicy).toBe('Retain');
    for (const [, group] of ofType(prod.template, 'AWS::Logs::LogGroup')) {
      expect(group).toMatchObject({ DeletionPolicy: 'Retain', Properties: { RetentionInDays: 365 } });
    }
  });

  it("passes cdk-nag's AwsSolutions rules and synthesizes", () => {
    expect(() => prod.app.synth()).not.toThrow();
    expect(nagFindings(prod.stage)).toEqual([]);
  });
});

describe('an environment whose Lex region is another one', () => {
  let staging: Built;
  let lex: Template;
  beforeAll(() => {
    staging = buildStage('Staging', 'us-east-1');
    lex = Template.fromStack(staging.stage.lex!);
  });

  it('builds the Lex bot, its version and alias in a stack of their own in the Lex region', () => {
    const lexStack = staging.stage.lex!;
    expect(lexStack.region).toBe('us-east-1');
    expect(lexStack.account).toBe(ACCOUNTS.Staging);
    expect(lexStack.stackName).toBe('VendingBot-Staging-Lex');
    for (const type of ['AWS::Lex::Bot', 'AWS::Lex::BotVersion', 'AWS::Lex::BotAlias']) {
      expect(ofType(lex, type)).toHaveLength(1);
      expect(ofType(staging.template, type)).toHaveLength(0);
    }
  });

  it("gives the functions the bot's ids and region across regions, and the HTTP function Lex on that alias only", () => {
    const env = ofType(staging.template, 'AWS::Lambda::Function')
      .map(([, f]) => f.Properties.Environment?.Variables)
      .filter((v) => v?.TABLE_NAME);
    expect(env).toHaveLength(4);
    for (const vars of env) {
      expect(vars.LEX_REGION).toBe('us-east-1');
      expect(vars.LEX_LOCALE_ID).toBe('en_US');
      // A cross-region reference to the Lex stack (Fn::GetStackOutput with cdk.json's weak references, SSM parameters otherwise).
      expect(JSON.stringify(vars.LEX_BOT_ID)).toMatch(/VendingBot-Staging-Lex|\/cdk\/exports\/VendingBot-Staging\//);
      expect(JSON.stringify(vars.LEX_BOT_ID)).toMatch(/LexBot\w*Id/);
      expect(JSON.stringify(vars.LEX_BOT_ALIAS_ID)).toMatch(/LexAlias\w*BotAliasId/);
    }
    const lexStatements = statementsOf(staging.template, staging.id(staging.stack.functions.httpRole)).filter((s) =>
      s.Action.includes('lex:RecognizeText'),
    );
    expect(lexStatements).toHaveLength(1);
    expect(lexStatements[0].Action.sort()).toEqual([...LEX_ACTIONS].sort());
    expect(JSON.stringify(lexStatements[0].Resource)).toMatch(/LexAlias\w*Arn/);
    expect(staging.stack.dependencies).toContain(staging.stage.lex);
  });

  it("passes cdk-nag's AwsSolutions rules on both stacks and synthesizes", () => {
    expect(() => staging.app.synth()).not.toThrow();
    expect(nagFindings(staging.stage)).toEqual([]);
  });

  it('refuses to build an application stack for another Lex region without the bot', () => {
    const deployment = sampleDeployment('us-east-1');
    const app = new App();
    expect(
      () =>
        new AppStack(app, 'Lonely', {
          stageName: 'Dev',
          deployment,
          settings: deployment.stages.dev,
          env: { account: ACCOUNTS.Dev, region: REGION },
        }),
    ).toThrow(/lexRegion us-east-1 differs/);
  });
});
