import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

/**
 * IAM, least privilege: only the actions the code calls, on the resources it uses. Each list says
 * which adapter calls it; the tests compare every role's policy with these lists.
 */

/** `service:Action` for each action of one service. */
const of = (service: string, ...actions: string[]) => actions.map((a) => `${service}:${a}`);

/**
 * app/adapters/dynamodb/*.ts: GetCommand, PutCommand, UpdateCommand, DeleteCommand, QueryCommand,
 * and TransactWriteCommand (dynamodb-holds-transactional.ts). A transaction has no IAM action of its
 * own: it is allowed by the actions of its parts, Put/Update/Delete and ConditionCheckItem
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html). No scans or batches.
 */
export const TABLE_ACTIONS = of('dynamodb', 'GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem', 'Query');
/** app/adapters/lex/lex-dialog.ts: RecognizeText and DeleteSession on the bot alias. */
export const LEX_ACTIONS = ['lex:RecognizeText', 'lex:DeleteSession'];
/** app/adapters/sns/sns-notifier.ts (the topic uses the AWS managed key alias/aws/sns, whose key policy lets SNS use it for publishers of this account). */
export const TOPIC_ACTIONS = ['sns:Publish'];
/** app/boot/secrets.ts (Powertools SecretsProvider): GetSecretValue by name. */
export const SECRET_ACTIONS = ['secretsmanager:GetSecretValue'];
/** app/adapters/service-catalog/account-factory.ts: find the product, its launch path, launch it. */
export const ACCOUNT_FACTORY_LAUNCH_ACTIONS = of('servicecatalog', 'DescribeProduct', 'ListLaunchPaths', 'ProvisionProduct');
/**
 * Same adapter (and account-operations.ts): follow a launch (DescribeRecord), find an earlier launch
 * of the same request (DescribeProvisionedProduct), retry a failed one or move an account to another
 * OU (UpdateProvisionedProduct), and take an account out of Control Tower before it is closed
 * (TerminateProvisionedProduct; ListRecordHistory finds a termination whose answer was lost).
 */
export const ACCOUNT_FACTORY_RECORD_ACTIONS = of(
  'servicecatalog',
  'DescribeProvisionedProduct',
  'DescribeRecord',
  'UpdateProvisionedProduct',
  'TerminateProvisionedProduct',
  'ListRecordHistory',
);
/**
 * app/adapters/service-catalog/product-catalog.ts: the products of the configured portfolios
 * (SearchProductsAsAdmin), the role's launch path and the DEFAULT version of each, and one
 * product's parameters; read only, for the doors (HTTP) and the provisioner.
 */
export const PRODUCT_CATALOG_ACTIONS = of(
  'servicecatalog',
  'SearchProductsAsAdmin',
  'DescribeProduct',
  'ListLaunchPaths',
  'DescribeProvisioningParameters',
);
/** product-launcher.ts: launch a product, follow its record, pick up a launch or a termination whose answer was lost, terminate it. */
export const PRODUCT_LAUNCH_ACTIONS = of(
  'servicecatalog',
  'ProvisionProduct',
  'DescribeRecord',
  'TerminateProvisionedProduct',
  'DescribeProvisionedProduct',
  'ListRecordHistory',
);
/** Same adapter: a launch in a vended account, as the launch role assumed there. */
export const PRODUCT_ROLE_ACTIONS = ['sts:AssumeRole'];
/** app/adapters/organizations/directory.ts: whose account a Control Tower event is about (its e-mail, unique in the organization), or how its close stands. */
export const ACCOUNT_DIRECTORY_ACTIONS = ['organizations:DescribeAccount'];
/** Same adapter: close a vended account (CloseAccount), for the role that carries out a close request. */
export const ACCOUNT_CLOSE_ACTIONS = ['organizations:CloseAccount'];
/**
 * app/core/use-cases/provisioning.ts in the Control Tower event function: an event that matches no request, or
 * a success without an account id, is completed from the request's Account Factory record.
 */
export const EVENT_RECORD_ACTIONS = ['servicecatalog:DescribeRecord'];

/**
 * What Control Tower documents for an identity that provisions Account Factory accounts
 * programmatically ("Permissions for configuring and provisioning accounts",
 * https://docs.aws.amazon.com/controltower/latest/userguide/account-factory.html): the Account
 * Factory product has no launch constraint, so its launch runs with the caller's permissions.
 * The guide's example for provisioning from a Lambda function (this bot's case) lists two more:
 * organizations:DescribeOrganization and sso:DescribeRegisteredRegions.
 * None of these actions supports resource-level permissions.
 */
export const CONTROL_TOWER_PROVISIONING_ACTIONS = {
  /** The account's IAM Identity Center user (SSOUserEmail...) is found or created and given access to the new account. */
  identityCenter: [
    'sso:GetProfile',
    'sso:CreateProfile',
    'sso:UpdateProfile',
    'sso:AssociateProfile',
    'sso:CreateApplicationInstance',
    'sso:GetSSOStatus',
    'sso:GetTrust',
    'sso:CreateTrust',
    'sso:UpdateTrust',
    'sso:GetPeregrineStatus',
    'sso:GetApplicationInstance',
    'sso:ListDirectoryAssociations',
    'sso:ListPermissionSets',
    'sso:GetPermissionSet',
    'sso:ProvisionApplicationInstanceForAWSAccount',
    'sso:ProvisionApplicationProfileForAWSAccountInstance',
    'sso:ProvisionSAMLProvider',
    'sso:ListProfileAssociations',
    'sso-directory:ListMembersInGroup',
    'sso-directory:AddMemberToGroup',
    'sso-directory:SearchGroups',
    'sso-directory:SearchGroupsWithGroupName',
    'sso-directory:SearchUsers',
    'sso-directory:CreateUser',
    'sso-directory:DescribeGroups',
    'sso-directory:DescribeDirectory',
    'sso-directory:GetUserPoolInfo',
    // The guide's example policy for provisioning accounts with a Lambda function adds this one.
    'sso:DescribeRegisteredRegions',
  ],
  /** The product's resource: Control Tower's managed account. */
  controlTower: ['controltower:CreateManagedAccount', 'controltower:DescribeManagedAccount', 'controltower:DeregisterManagedAccount'],
  /** "When provisioning an account, the account requester always must have the CreateAccount and the DescribeCreateAccountStatus permissions." */
  organizations: [
    'organizations:CreateAccount',
    'organizations:DescribeCreateAccountStatus',
    // Also in the guide's example policy for provisioning accounts with a Lambda function.
    'organizations:DescribeOrganization',
  ],
  /** The product template, read from Service Catalog's bucket (only objects Service Catalog tagged for provisioning). */
  template: ['s3:GetObject'],
};

/**
 * The part of AWSServiceCatalogEndUserFullAccess (which Control Tower lists "in addition to" the
 * actions above) that launching a product without a launch constraint uses: the provisioned
 * product's CloudFormation stack, which Service Catalog names SC-<account>-pp-<id>.
 */
export const PROVISIONED_STACK_ACTIONS = [
  'cloudformation:CreateStack',
  'cloudformation:DescribeStacks',
  'cloudformation:DescribeStackEvents',
  'cloudformation:ListStackResources',
  'cloudformation:UpdateStack',
  'cloudformation:DeleteStack',
  'cloudformation:SetStackPolicy',
  'cloudformation:TagResource',
  'cloudformation:CreateChangeSet',
  'cloudformation:DescribeChangeSet',
  'cloudformation:ExecuteChangeSet',
  'cloudformation:ListChangeSets',
  'cloudformation:DeleteChangeSet',
];
/** Template checks that support no resource-level permissions. */
export const TEMPLATE_CHECK_ACTIONS = ['cloudformation:GetTemplateSummary', 'cloudformation:ValidateTemplate'];

export function tableStatement(tableArn: string): iam.PolicyStatement {
  return new iam.PolicyStatement({ sid: 'RequestTable', actions: TABLE_ACTIONS, resources: [tableArn, `${tableArn}/index/*`] });
}

export function lexStatement(aliasArn: string): iam.PolicyStatement {
  return new iam.PolicyStatement({ sid: 'LexBotAlias', actions: LEX_ACTIONS, resources: [aliasArn] });
}

export function topicStatement(topicArn: string): iam.PolicyStatement {
  return new iam.PolicyStatement({ sid: 'NotificationTopic', actions: TOPIC_ACTIONS, resources: [topicArn] });
}

export function secretStatement(secretArn: string): iam.PolicyStatement {
  return new iam.PolicyStatement({ sid: 'AppSecrets', actions: SECRET_ACTIONS, resources: [secretArn] });
}

/**
 * What the Control Tower event function needs besides the table and the secret, with the Account
 * Factory only (the stack is then in the management account, where Organizations answers).
 */
export function controlTowerEventStatements(scope: Construct): iam.PolicyStatement[] {
  const stack = Stack.of(scope);
  return [
    // The organization's id is not known at deploy time: any member account of an organization this account manages.
    new iam.PolicyStatement({
      sid: 'AccountDirectory',
      actions: ACCOUNT_DIRECTORY_ACTIONS,
      resources: [stack.formatArn({ service: 'organizations', region: '', resource: 'account', resourceName: 'o-*/*' })],
    }),
    // The records are the provisioner role's launches, which roleLevel=self would hide from this role; read only.
    new iam.PolicyStatement({
      sid: 'AccountFactoryRecordsRead',
      actions: EVENT_RECORD_ACTIONS,
      resources: ['*'],
      conditions: { StringEquals: { 'servicecatalog:accountLevel': 'self' } },
    }),
  ];
}

/**
 * Everything a launch of the Account Factory product needs, for the role associated with its
 * portfolio, and what the same role needs to close a vended account after unmanaging it.
 */
export function accountFactoryStatements(scope: Construct): iam.PolicyStatement[] {
  const stack = Stack.of(scope);
  const ct = CONTROL_TOWER_PROVISIONING_ACTIONS;
  return [
    // Close a member account and follow its state; the organization's id is not known at deploy time.
    new iam.PolicyStatement({
      sid: 'AccountClosure',
      actions: [...ACCOUNT_DIRECTORY_ACTIONS, ...ACCOUNT_CLOSE_ACTIONS],
      resources: [stack.formatArn({ service: 'organizations', region: '', resource: 'account', resourceName: 'o-*/*' })],
    }),
    // DescribeProduct takes the product by name when no id is configured; DescribeRecord has no resource type.
    new iam.PolicyStatement({ sid: 'AccountFactoryLaunch', actions: ACCOUNT_FACTORY_LAUNCH_ACTIONS, resources: ['*'] }),
    // Only provisioned products and records of this role (both functions that launch share it).
    new iam.PolicyStatement({
      sid: 'AccountFactoryRecords',
      actions: ACCOUNT_FACTORY_RECORD_ACTIONS,
      resources: ['*'],
      conditions: { StringEquals: { 'servicecatalog:roleLevel': 'self' } },
    }),
    new iam.PolicyStatement({ sid: 'AccountFactoryIdentityCenter', actions: ct.identityCenter, resources: ['*'] }),
    new iam.PolicyStatement({ sid: 'AccountFactoryControlTower', actions: ct.controlTower, resources: ['*'] }),
    new iam.PolicyStatement({ sid: 'AccountFactoryOrganizations', actions: ct.organizations, resources: ['*'] }),
    new iam.PolicyStatement({
      sid: 'AccountFactoryTemplate',
      actions: ct.template,
      resources: ['*'],
      conditions: { StringEquals: { 's3:ExistingObjectTag/servicecatalog:provisioning': 'true' } },
    }),
    new iam.PolicyStatement({
      sid: 'AccountFactoryStack',
      actions: PROVISIONED_STACK_ACTIONS,
      resources: [
        stack.formatArn({ service: 'cloudformation', resource: 'stack', resourceName: 'SC-*' }),
        stack.formatArn({ service: 'cloudformation', resource: 'changeSet', resourceName: 'SC-*' }),
      ],
    }),
    new iam.PolicyStatement({ sid: 'AccountFactoryTemplateChecks', actions: TEMPLATE_CHECK_ACTIONS, resources: ['*'] }),
  ];
}

/**
 * app/adapters/baseline/*.ts (AwsAccountBaseline): the baseline of a vended account, called from the
 * management account. STS GetCallerIdentity (the payer account's id, when it is not configured)
 * needs no permission. None of these grants more than its call; the resources are the lead's to narrow.
 */
export const BASELINE_ACTIONS = {
  /** aws-baseline.ts tagAccount: TagResource on the account (organizations account ARN). */
  organizations: of('organizations', 'TagResource'),
  /** aws-baseline.ts putAlternateContact: with AccountId, which also needs trusted access for Account Management in the organization. */
  account: of('account', 'PutAlternateContact'),
  /** identity-center-access.ts: CreateAccountAssignment, then DescribeAccountAssignmentCreationStatus to follow it. */
  identityCenter: of('sso', 'CreateAccountAssignment', 'DescribeAccountAssignmentCreationStatus'),
  /** identity-center-access.ts: GetUserId, a user found by user name. */
  identityStore: of('identitystore', 'GetUserId'),
  /**
   * aws-baseline.ts createBudget: CreateBudget (with its notification) is authorised by
   * budgets:ModifyBudget (Service Authorization Reference); no ResourceTags, so no budgets:TagResource.
   */
  budgets: of('budgets', 'ModifyBudget'),
};

/**
 * The baseline after vending (app/adapters/baseline/*), for the role that carries out effects:
 * tags and alternate contacts on member accounts of the organization, budgets the bot names
 * (vending-<account id>) in this (payer) account, and Identity Center assignments (on the
 * instance, permission set and account together, none known at deploy time).
 */
export function baselineStatements(scope: Construct): iam.PolicyStatement[] {
  const stack = Stack.of(scope);
  return [
    new iam.PolicyStatement({
      sid: 'BaselineTags',
      actions: BASELINE_ACTIONS.organizations,
      resources: [stack.formatArn({ service: 'organizations', region: '', resource: 'account', resourceName: 'o-*/*' })],
    }),
    new iam.PolicyStatement({
      sid: 'BaselineContacts',
      actions: BASELINE_ACTIONS.account,
      resources: [stack.formatArn({ service: 'account', region: '', resource: 'account', resourceName: 'o-*/*' })],
    }),
    new iam.PolicyStatement({
      sid: 'BaselineBudget',
      actions: BASELINE_ACTIONS.budgets,
      resources: [stack.formatArn({ service: 'budgets', region: '', resource: 'budget', resourceName: 'vending-*' })],
    }),
    new iam.PolicyStatement({
      sid: 'BaselineAccess',
      actions: [...BASELINE_ACTIONS.identityCenter, ...BASELINE_ACTIONS.identityStore],
      resources: ['*'],
    }),
  ];
}

/** Listing and describing the products of the configured portfolios (no resource-level permission fits: products are found at run time). */
export function productCatalogStatement(): iam.PolicyStatement {
  return new iam.PolicyStatement({ sid: 'ProductCatalog', actions: PRODUCT_CATALOG_ACTIONS, resources: ['*'] });
}

/**
 * Launching and terminating products, for the provisioner: in this account (records and
 * provisioned products of this role only), or in a vended account as the launch role there.
 */
export function productLaunchStatements(scope: Construct, launchRoleName: string): iam.PolicyStatement[] {
  const provision = 'servicecatalog:ProvisionProduct';
  const records = PRODUCT_LAUNCH_ACTIONS.filter((a) => a !== provision);
  return [
    // ProvisionProduct's resource is the product, found at run time.
    new iam.PolicyStatement({ sid: 'ProductLaunch', actions: [provision], resources: ['*'] }),
    new iam.PolicyStatement({
      sid: 'ProductRecords',
      actions: records,
      resources: ['*'],
      conditions: { StringEquals: { 'servicecatalog:roleLevel': 'self' } },
    }),
    new iam.PolicyStatement({ sid: 'ProductLaunchRole', actions: PRODUCT_ROLE_ACTIONS, resources: [launchRoleArn(scope, launchRoleName)] }),
  ];
}

/** The launch role in any account (the vended accounts are not known at deploy time). */
export function launchRoleArn(scope: Construct, launchRoleName: string): string {
  return Stack.of(scope).formatArn({ service: 'iam', region: '', account: '*', resource: 'role', resourceName: launchRoleName });
}
