import { type CfnResource, Stack, Token, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import type { AppStack } from './app-stack';

/**
 * cdk-nag (v3: a CDK policy-validation plugin) runs the AwsSolutions rules on every stack of a
 * stage; `cdk synth` fails on any finding not acknowledged here. Each acknowledgment names one
 * rule (or one finding of a granular rule, e.g. one wildcard resource) on the narrowest construct
 * that has it, with the reason in words.
 */

/**
 * Runs the AwsSolutions rules on every stack under `scope` (an App or a Stage). Register it once,
 * on the app (infra/bin/vending.ts): the Lex stack of a cross-region stage needs no acknowledgment.
 */
export function applyNagChecks(scope: IConstruct): void {
  Validations.of(scope).addPlugins(new AwsSolutionsChecks(scope, { verbose: true }));
}

function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/** How cdk-nag writes a token in a finding: {Fn::GetAtt: [Id, Arn]} → <Id.Arn>, pseudo parameters → <AWS::Region>. */
function getAttArn(resource: IConstruct): string {
  return `<${Stack.of(resource).getLogicalId(resource.node.defaultChild as CfnResource)}.Arn>`;
}
/** The CloudFormation resource an L2 construct declares (where findings about its template properties are made). */
function cfnResourceOf(construct: IConstruct): IConstruct {
  const resource = construct.node.defaultChild;
  if (!resource) throw new Error(`${construct.node.path} declares no CloudFormation resource of its own`);
  return resource;
}
const literalOr = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<${pseudo}>` : value);

const REASONS = {
  indexes:
    "The app queries the table's four global secondary indexes (byStatus, byRequester, effectsDue, byAccount: app/adapters/dynamodb/table-schema.ts); index ARNs are <table ARN>/index/<name>.",
  noResourceLevel:
    'Resource "*" only where the action supports no resource-level permission or the resource is unknown at deploy time: Service Catalog DescribeProduct, ' +
    'ListLaunchPaths and ProvisionProduct (the Account Factory product is found by name, its id and launch path at run time), ' +
    "DescribeRecord, DescribeProvisionedProduct, UpdateProvisionedProduct, TerminateProvisionedProduct and ListRecordHistory (limited to this role's launches by " +
    'servicecatalog:roleLevel=self); the IAM Identity Center, Control Tower and ' +
    'Organizations actions Control Tower documents for programmatic Account Factory provisioning; s3:GetObject of the product template (limited to objects tagged ' +
    'servicecatalog:provisioning=true); CloudFormation GetTemplateSummary/ValidateTemplate; dynamodb:ListStreams of the stream event source.',
  eventFunction:
    'The Control Tower event function reads Account Factory records (servicecatalog:DescribeRecord has no resource-level permission; the records are the ' +
    "provisioner role's, so servicecatalog:accountLevel=self) and describes accounts of the organization (organizations:DescribeAccount on " +
    'account/o-*/*: the organization id is not known at deploy time).',
  baseline:
    'The baseline after vending tags and sets contacts on member accounts (account/o-*/*: the organization id is not known at deploy time), sets budgets ' +
    'the bot names vending-<account id>, and assigns Identity Center access (CreateAccountAssignment acts on an instance, a permission set and an account ' +
    'together, and GetUserId on the identity store and its users, none known at deploy time; app/adapters/baseline/*).',
  accountClosure:
    'A close request describes and closes the vended member account (organizations:DescribeAccount and CloseAccount on account/o-*/*: the organization id ' +
    'is not known at deploy time; app/adapters/organizations/directory.ts), and the baseline tags member accounts on the same resource.',
  products:
    'Service Catalog products of the configured portfolios (app/adapters/service-catalog/product-*.ts) are found at run time: SearchProductsAsAdmin, ' +
    'DescribeProduct, ListLaunchPaths, DescribeProvisioningParameters (read only) and ProvisionProduct on "*"; DescribeRecord, DescribeProvisionedProduct, ' +
    "TerminateProvisionedProduct and ListRecordHistory limited to this role's launches by servicecatalog:roleLevel=self.",
  launchRole:
    'A product is launched in a vended account as the launch role Control Tower puts in every account it manages (sts:AssumeRole on that role name only, ' +
    'in any account: the vended accounts are not known at deploy time).',
  provisionedStacks:
    'Service Catalog names the CloudFormation stack of each provisioned product SC-<account>-pp-<id>, unknown in advance; limited to SC-* stacks in this account and region.',
};

/** Every acknowledged finding of the application stack. */
export function acknowledgeAppStack(stack: AppStack): void {
  const fns = stack.functions;
  acknowledge(
    stack.secret,
    'AwsSolutions-SMG4',
    'No rotation Lambda can rotate these: Slack issues and rotates the signing secret and bot token; rotating APPROVAL_SECRET would invalidate every pending ' +
      'approval link, so it is rotated by hand between requests (README). The secret is encrypted with the Secrets Manager key.',
  );
  acknowledge(
    stack.failedEvents,
    'AwsSolutions-SQS3',
    "This queue is the dead-letter queue: of the table stream's event source, of the Control Tower event function and of its EventBridge target.",
  );

  const indexes = `AwsSolutions-IAM5[Resource::${getAttArn(stack.table)}/index/*]`;
  for (const role of [fns.httpRole, fns.eventRole, fns.provisionerRole]) acknowledge(role, indexes, REASONS.indexes);
  acknowledge(
    fns.provisionerRole,
    'AwsSolutions-IAM5[Resource::*]',
    stack.products ? `${REASONS.noResourceLevel} ${REASONS.products}` : REASONS.noResourceLevel,
  );
  // The partition is a literal with @aws-cdk/core:enablePartitionLiterals (cdk.json), a pseudo parameter without.
  const partition = literalOr(stack.partition, 'AWS::Partition');
  const region = literalOr(stack.region, 'AWS::Region');
  const account = literalOr(stack.account, 'AWS::AccountId');
  acknowledge(fns.eventRole, 'AwsSolutions-IAM5[Resource::*]', REASONS.eventFunction);
  acknowledge(
    fns.eventRole,
    `AwsSolutions-IAM5[Resource::arn:${partition}:organizations::${account}:account/o-*/*]`,
    REASONS.eventFunction,
  );
  for (const [resource, reason] of [
    [`organizations::${account}:account/o-*/*`, REASONS.accountClosure],
    [`account::${account}:account/o-*/*`, REASONS.baseline],
    [`budgets::${account}:budget/vending-*`, REASONS.baseline],
  ]) {
    acknowledge(fns.provisionerRole, `AwsSolutions-IAM5[Resource::arn:${partition}:${resource}]`, reason);
  }
  if (stack.products) {
    acknowledge(fns.httpRole, 'AwsSolutions-IAM5[Resource::*]', REASONS.products);
    acknowledge(
      fns.provisionerRole,
      `AwsSolutions-IAM5[Resource::arn:${partition}:iam::*:role/${stack.products.launchRoleName}]`,
      REASONS.launchRole,
    );
  }
  for (const type of ['stack', 'changeSet']) {
    acknowledge(
      fns.provisionerRole,
      `AwsSolutions-IAM5[Resource::arn:${partition}:cloudformation:${region}:${account}:${type}/SC-*]`,
      REASONS.provisionedStacks,
    );
  }
  for (const fn of Object.values(fns.all)) {
    acknowledge(
      fn,
      'AwsSolutions-L1',
      'Node.js 22 is the runtime the bundle is built for (scripts/bundle.ts: target node22) and that package.json engines allow (<23); it moves to 24 with the app.',
    );
  }

  const api = stack.api.api;
  acknowledge(
    cfnResourceOf(api),
    'AwsSolutions-APIG2',
    'The API is a proxy to one Express app that validates every input with a schema at the door and answers 4xx naming the field (DESIGN.md, "Trust boundaries"); ' +
      'API Gateway request models would duplicate that, for JSON, form posts and Slack payloads alike.',
  );
  acknowledge(
    api.deploymentStage,
    'AwsSolutions-APIG3',
    "No WAF web ACL: callers are Slack (signed requests), approvers' browsers (signed, expiring links) and trusted integrations (API key); stage throttling limits " +
      'volume. Associate a regional web ACL with the stage if the organisation requires one.',
  );
  const authorization =
    "Authentication is the app's, per route, as each door requires: Slack's request signature and timestamp (Bolt), HMAC-signed expiring approval links bound to one " +
    'approver, the API key on the REST routes when configured; /healthz and the web page are public by design. Slack and e-mail links cannot carry IAM or Cognito credentials.';
  acknowledge(api.root, 'AwsSolutions-APIG4', authorization);
  acknowledge(api.root, 'AwsSolutions-COG4', authorization);
  const cloudWatchRole = api.node.tryFindChild('CloudWatchRole');
  if (cloudWatchRole) {
    acknowledge(
      cloudWatchRole,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      "API Gateway's account-level role for access and execution logs; AWS documents this managed policy for it (it only writes API Gateway log groups).",
    );
  }
  acknowledge(
    stack.canary.deploymentGroup,
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]',
    "CodeDeploy's service role for Lambda canaries: the AWS managed policy made for it (shift alias traffic, read the alarms).",
  );
}
