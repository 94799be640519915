import { AccountClient } from '@aws-sdk/client-account';
import { BudgetsClient } from '@aws-sdk/client-budgets';
import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { STSClient } from '@aws-sdk/client-sts';
import nock from 'nock';
import { AwsAccountBaseline } from '../../../app/adapters/baseline/aws-baseline';
import { BaselineRejectedError } from '../../../app/core/errors';
import type { AccessGrant, BudgetSpec } from '../../../app/core/ports/account-baseline';
import { strictNock } from '../../support/wire';

/*
 * The baseline's services at the wire, answered as their API references document them:
 * - Organizations, SSO Admin, Identity Store and Budgets speak AWS JSON 1.1: POST / with
 *   `x-amz-target: <service target>.<Operation>`; errors are HTTP 400 {"__type", "Message"}.
 * - Account Management speaks REST-JSON: POST /putAlternateContact; errors carry their code in
 *   `x-amzn-errortype` with the documented status (400 validation, 403 access, 429 throttling).
 * - STS speaks the query protocol: form-encoded Action=GetCallerIdentity, answered in XML.
 */
const CREDENTIALS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const JSON_11 = { 'content-type': 'application/x-amz-json-1.1' };

const ACCOUNT_ID = '444455556666';
const PAYER_ID = '111122223333';
const INSTANCE_ARN = 'arn:aws:sso:::instance/ssoins-7223a1b2c3d4e5f6';
const PERMISSION_SET_ARN = 'arn:aws:sso:::permissionSet/ssoins-7223a1b2c3d4e5f6/ps-0a1b2c3d4e5f6a7b';
const IDENTITY_STORE_ID = 'd-90670ab1c2';
const USER_ID = '906722b2be-ee5cdb36-7c4e-44d5-b2ad-3cbb1e6a5a3f';
const REQUEST_ID = 'b4e2a6f8-3c2d-4e9a-8f71-5d0c9a1b2e3f';

const userGrant: AccessGrant = {
  instanceArn: INSTANCE_ARN,
  permissionSetArn: PERMISSION_SET_ARN,
  identityStoreId: IDENTITY_STORE_ID,
  principal: { type: 'USER', userName: 'team-a-owner@example.com' },
};
const budget: BudgetSpec = { name: `vending-${ACCOUNT_ID}-monthly`, amountUsd: 250, alertAtPercent: 80, notify: ['ana@example.com'] };

const ENDPOINTS = {
  organizations: 'https://organizations.test',
  account: 'https://account.test',
  ssoAdmin: 'https://sso.test',
  identityStore: 'https://identitystore.test',
  budgets: 'https://budgets.test',
  sts: 'https://sts.test',
};
const TARGETS = {
  organizations: 'AWSOrganizationsV20161128',
  ssoAdmin: 'SWBExternalService',
  identityStore: 'AWSIdentityStore',
  budgets: 'AWSBudgetServiceGateway',
};
type JsonService = keyof typeof TARGETS;

interface Call {
  operation: string;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

const parse = (body: unknown) => (typeof body === 'string' && body.startsWith('{') ? JSON.parse(body) : body);

/** The services: each answer is for one call, in order; every call is recorded with its headers and body. */
class Services {
  readonly calls: Call[] = [];

  /** A JSON 1.1 answer to `operation` of `service`. */
  json(service: JsonService, operation: string, body: object, status = 200, endpoint: string = ENDPOINTS[service]): this {
    const calls = this.calls;
    nock(endpoint)
      .post('/')
      .matchHeader('x-amz-target', `${TARGETS[service]}.${operation}`)
      .reply(function (_uri, sent) {
        calls.push({ operation, headers: this.req.headers, body: parse(sent) });
        return [status, body, JSON_11];
      });
    return this;
  }

  jsonError(service: JsonService, operation: string, type: string, message: string): this {
    return this.json(service, operation, { __type: type, Message: message }, 400);
  }

  /** A REST-JSON answer to Account Management's PutAlternateContact (200 with no body when it worked). */
  alternateContact(status = 200, error?: { type: string; message: string }, endpoint = ENDPOINTS.account): this {
    const calls = this.calls;
    nock(endpoint)
      .post('/putAlternateContact')
      .reply(function (_uri, sent) {
        calls.push({ operation: 'PutAlternateContact', headers: this.req.headers, body: parse(sent) });
        return error
          ? [status, { message: error.message }, { 'content-type': 'application/json', 'x-amzn-errortype': error.type }]
          : [status, '', {}];
      });
    return this;
  }

  /** STS GetCallerIdentity for a role of the payer (management) account. */
  callerIdentity(endpoint = ENDPOINTS.sts, status = 200): this {
    const calls = this.calls;
    nock(endpoint)
      .post('/', /Action=GetCallerIdentity/)
      .reply(function (_uri, sent) {
        calls.push({ operation: 'GetCallerIdentity', headers: this.req.headers, body: sent });
        if (status !== 200) {
          return [
            status,
            '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Receiver</Type><Code>ServiceUnavailable</Code>' +
              '<Message>Service is unable to handle request.</Message></Error><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ErrorResponse>',
            { 'content-type': 'text/xml' },
          ];
        }
        return [
          200,
          `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:sts::${PAYER_ID}:assumed-role/vending-bot-effects/vending-bot</Arn>
    <UserId>AROA3XFRBF535PLBIFPI4:vending-bot</UserId>
    <Account>${PAYER_ID}</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>`,
          { 'content-type': 'text/xml' },
        ];
      });
    return this;
  }

  sent(operation: string): any[] {
    return this.calls.filter((c) => c.operation === operation).map((c) => c.body);
  }

  operations(): string[] {
    return this.calls.map((c) => c.operation);
  }
}

/** An assignment's creation status as SSO Admin documents it. */
const assignmentStatus = (status: string, extra: object = {}) => ({
  AccountAssignmentCreationStatus: {
    Status: status,
    RequestId: REQUEST_ID,
    TargetId: ACCOUNT_ID,
    TargetType: 'AWS_ACCOUNT',
    PermissionSetArn: PERMISSION_SET_ARN,
    PrincipalType: 'USER',
    PrincipalId: USER_ID,
    CreatedDate: 1_772_442_000.123,
    ...extra,
  },
});

const clientConfig = (endpoint: string) => ({ region: 'eu-west-1', endpoint, credentials: CREDENTIALS, maxAttempts: 1 });

function baseline(options: { payerAccountId?: string; checks?: number } = {}) {
  return new AwsAccountBaseline({
    organizations: new OrganizationsClient(clientConfig(ENDPOINTS.organizations)),
    account: new AccountClient(clientConfig(ENDPOINTS.account)),
    ssoAdmin: new SSOAdminClient(clientConfig(ENDPOINTS.ssoAdmin)),
    identityStore: new IdentitystoreClient(clientConfig(ENDPOINTS.identityStore)),
    budgets: new BudgetsClient(clientConfig(ENDPOINTS.budgets)),
    sts: new STSClient(clientConfig(ENDPOINTS.sts)),
    assignmentChecks: { times: options.checks ?? 2, everyMs: 0 },
    ...(options.payerAccountId ? { payerAccountId: options.payerAccountId } : {}),
  });
}

const refused = (...parts: string[]) => ({
  name: 'BaselineRejectedError',
  message: expect.stringMatching(new RegExp(parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*'), 's')),
});

strictNock();

describe('AwsAccountBaseline: the AccountBaseline port on Organizations, Account, SSO Admin, Identity Store and Budgets', () => {
  it('is the aws kind', () => {
    expect(baseline().kind).toBe('aws');
  });

  describe('tagAccount (Organizations TagResource)', () => {
    it('tags the account by id with each tag as {Key, Value}', async () => {
      const aws = new Services().json('organizations', 'TagResource', {});
      await baseline().tagAccount(ACCOUNT_ID, { 'vending:request-id': 'req-01JNK3Q8X7', 'vending:owner': 'ana@example.com' });
      expect(aws.calls[0].headers['content-type']).toBe('application/x-amz-json-1.1');
      expect(aws.sent('TagResource')).toEqual([
        {
          ResourceId: ACCOUNT_ID,
          Tags: [
            { Key: 'vending:request-id', Value: 'req-01JNK3Q8X7' },
            { Key: 'vending:owner', Value: 'ana@example.com' },
          ],
        },
      ]);
    });

    it('a retry sends the same tags again (Organizations overwrites a key with its value): the same step', async () => {
      const aws = new Services().json('organizations', 'TagResource', {}).json('organizations', 'TagResource', {});
      const tags = { 'vending:account-type': 'Sandbox' };
      await baseline().tagAccount(ACCOUNT_ID, tags);
      await baseline().tagAccount(ACCOUNT_ID, tags);
      expect(aws.sent('TagResource')).toEqual([
        { ResourceId: ACCOUNT_ID, Tags: [{ Key: 'vending:account-type', Value: 'Sandbox' }] },
        { ResourceId: ACCOUNT_ID, Tags: [{ Key: 'vending:account-type', Value: 'Sandbox' }] },
      ]);
    });

    it('no tags is nothing to do: nothing is sent', async () => {
      await expect(baseline().tagAccount(ACCOUNT_ID, {})).resolves.toBeUndefined();
    });

    it.each([
      ['ConstraintViolationException', 'You have exceeded the allowed number of tags for this resource.', 'at most 50'],
      ['InvalidInputException', 'You provided a value that does not match the required pattern.', 'no "aws:" prefix'],
      ['TargetNotFoundException', "We can't find a resource with the specified ID.", 'exists'],
      ['AccessDeniedException', "You don't have permissions to access this resource.", 'organizations:TagResource'],
    ])('%s is refused for good, saying what to check', async (type, message, hint) => {
      new Services().jsonError('organizations', 'TagResource', type, message);
      const err = await baseline()
        .tagAccount(ACCOUNT_ID, { team: 'a' })
        .catch((e) => e);
      expect(err).toBeInstanceOf(BaselineRejectedError);
      expect(err).toMatchObject(refused(`Tagging account ${ACCOUNT_ID}`, 'AWS Organizations', type, message, hint));
      expect(err.cause).toMatchObject({ name: type });
    });

    it.each([
      ['TooManyRequestsException', "AWS Organizations can't complete your request because another request is already in progress."],
      ['ConcurrentModificationException', 'The target of the operation is currently being modified by a different request.'],
      ['ServiceException', 'AWS Organizations cannot complete your request because of an internal service error.'],
    ])('%s propagates unchanged: retrying can fix it', async (type, message) => {
      new Services().json('organizations', 'TagResource', { __type: type, Message: message }, type === 'ServiceException' ? 500 : 400);
      const err = await baseline()
        .tagAccount(ACCOUNT_ID, { team: 'a' })
        .catch((e) => e);
      expect(err).not.toBeInstanceOf(BaselineRejectedError);
      expect(err).toMatchObject({ name: type, message });
    });
  });

  describe('putAlternateContact (Account Management PutAlternateContact)', () => {
    const contact = { name: 'Cloud Security', title: 'Security team', email: 'security@example.com', phone: '+1 206 555 0100' };

    it('sets the contact of the member account by AccountId, as the documented request body', async () => {
      const aws = new Services().alternateContact();
      await baseline().putAlternateContact(ACCOUNT_ID, 'SECURITY', contact);
      expect(aws.calls[0].headers['content-type']).toBe('application/json');
      expect(aws.sent('PutAlternateContact')).toEqual([
        {
          AccountId: ACCOUNT_ID,
          AlternateContactType: 'SECURITY',
          Name: 'Cloud Security',
          Title: 'Security team',
          EmailAddress: 'security@example.com',
          PhoneNumber: '+1 206 555 0100',
        },
      ]);
    });

    it('a validation error is refused for good, naming the contact to check', async () => {
      new Services().alternateContact(400, { type: 'ValidationException', message: 'Invalid phone number.' });
      await expect(baseline().putAlternateContact(ACCOUNT_ID, 'BILLING', contact)).rejects.toMatchObject(
        refused(`BILLING alternate contact of account ${ACCOUNT_ID}`, 'ValidationException: Invalid phone number.', 'BILLING contact'),
      );
    });

    it('access denied is refused for good, naming the action and trusted access for Account Management', async () => {
      new Services().alternateContact(403, {
        type: 'AccessDeniedException',
        message: 'User is not authorized to perform: account:PutAlternateContact',
      });
      await expect(baseline().putAlternateContact(ACCOUNT_ID, 'OPERATIONS', contact)).rejects.toMatchObject(
        refused('AWS Account Management', 'account:PutAlternateContact', 'trusted access', 'account.amazonaws.com'),
      );
    });

    it('throttling (429 TooManyRequestsException) propagates unchanged', async () => {
      new Services().alternateContact(429, { type: 'TooManyRequestsException', message: 'Rate exceeded' });
      const err = await baseline()
        .putAlternateContact(ACCOUNT_ID, 'SECURITY', contact)
        .catch((e) => e);
      expect(err).not.toBeInstanceOf(BaselineRejectedError);
      expect(err).toMatchObject({ name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } });
    });
  });

  describe('grantAccess (Identity Store GetUserId, SSO Admin CreateAccountAssignment)', () => {
    const assignment = (principalType: string, principalId: string) => ({
      InstanceArn: INSTANCE_ARN,
      TargetId: ACCOUNT_ID,
      TargetType: 'AWS_ACCOUNT',
      PermissionSetArn: PERMISSION_SET_ARN,
      PrincipalType: principalType,
      PrincipalId: principalId,
    });

    it("finds the user's id by user name, assigns the permission set on the account, and follows the creation to SUCCEEDED", async () => {
      const aws = new Services()
        .json('identityStore', 'GetUserId', { IdentityStoreId: IDENTITY_STORE_ID, UserId: USER_ID })
        .json('ssoAdmin', 'CreateAccountAssignment', assignmentStatus('IN_PROGRESS'))
        .json('ssoAdmin', 'DescribeAccountAssignmentCreationStatus', assignmentStatus('SUCCEEDED'));

      await baseline().grantAccess(ACCOUNT_ID, userGrant);

      expect(aws.sent('GetUserId')).toEqual([
        {
          IdentityStoreId: IDENTITY_STORE_ID,
          AlternateIdentifier: { UniqueAttribute: { AttributePath: 'userName', AttributeValue: 'team-a-owner@example.com' } },
        },
      ]);
      expect(aws.sent('CreateAccountAssignment')).toEqual([assignment('USER', USER_ID)]);
      expect(aws.sent('DescribeAccountAssignmentCreationStatus')).toEqual([
        { InstanceArn: INSTANCE_ARN, AccountAssignmentCreationRequestId: REQUEST_ID },
      ]);
    });

    it('a group is assigned by its configured id, without asking the identity store', async () => {
      const aws = new Services().json('ssoAdmin', 'CreateAccountAssignment', assignmentStatus('SUCCEEDED', { PrincipalType: 'GROUP' }));
      await baseline().grantAccess(ACCOUNT_ID, { ...userGrant, principal: { type: 'GROUP', groupId: 'a1b2c3d4-group' } });
      expect(aws.operations()).toEqual(['CreateAccountAssignment']);
      expect(aws.sent('CreateAccountAssignment')).toEqual([assignment('GROUP', 'a1b2c3d4-group')]);
    });

    it('an assignment that exists already is asked again and succeeds again: a retry is the same step', async () => {
      const aws = new Services()
        .json('identityStore', 'GetUserId', { IdentityStoreId: IDENTITY_STORE_ID, UserId: USER_ID })
        .json('ssoAdmin', 'CreateAccountAssignment', assignmentStatus('SUCCEEDED'))
        .json('identityStore', 'GetUserId', { IdentityStoreId: IDENTITY_STORE_ID, UserId: USER_ID })
        .json('ssoAdmin', 'CreateAccountAssignment', assignmentStatus('IN_PROGRESS', { RequestId: 'c5f3b7a9-second' }))
        .json('ssoAdmin', 'DescribeAccountAssignmentCreationStatus', assignmentStatus('SUCCEEDED', { RequestId: 'c5f3b7a9-second' }));
      await baseline().grantAccess(ACCOUNT_ID, userGrant);
      await baseline().grantAccess(ACCOUNT_ID, userGrant);
      expect(aws.sent('CreateAccountAssignment')).toEqual([assignment('USER', USER_ID), assignment('USER', USER_ID)]);
      expect(aws.sent('DescribeAccountAssignmentCreationStatus')).toEqual([
        { InstanceArn: INSTANCE_ARN, AccountAssignmentCreationRequestId: 'c5f3b7a9-second' },
      ]);
    });

    it('still IN_PROGRESS after the checks is fine: Identity Center finishes it by itself', async () => {
      const aws = new Services()
        .json('ssoAdmin', 'CreateAccountAssignment', assignmentStatus('IN_PROGRESS'))
        .json('ssoAdmin', 'DescribeAccountAssignmentCreationStatus', assignmentStatus('IN_PROGRESS'))
        .json('ssoAdmin', 'DescribeAccountAssignmentCreationStatus', assignmentStatus('IN_PROGRESS'));
      await expect(
        baseline({ checks: 2 }).grantAccess(ACCOUNT_ID, { ...userGrant, principal: { type: 'GROUP', groupId: 'g-1' } }),
      ).resolves.toBeUndefined();
      expect(aws.operations()).toEqual([
        'CreateAccountAssignment',
        'DescribeAccountAssignmentCreationStatus',
        'DescribeAccountAssignmentCreationStatus',
      ]);
    });

    it('a FAILED creation is refused for good with its FailureReason', async () => {
      const reason = 'Received a 404 status error: No permission set found with the specified ARN.';
      new Services()
        .json('identityStore', 'GetUserId', { IdentityStoreId: IDENTITY_STORE_ID, UserId: USER_ID })
        .json('ssoAdmin', 'CreateAccountAssignment', assignmentStatus('IN_PROGRESS'))
        .json('ssoAdmin', 'DescribeAccountAssignmentCreationStatus', assignmentStatus('FAILED', { FailureReason: reason }));
      await expect(baseline().grantAccess(ACCOUNT_ID, userGrant)).rejects.toMatchObject(
        refused(
          `Assigning permission set ${PERMISSION_SET_ARN} on account ${ACCOUNT_ID} to user team-a-owner@example.com`,
          reason,
          REQUEST_ID,
        ),
      );
    });

    it('a user the identity store does not have is refused for good, saying the Identity Center user was not found', async () => {
      const aws = new Services().json(
        'identityStore',
        'GetUserId',
        { __type: 'ResourceNotFoundException', Message: 'USER not found.', ResourceType: 'USER', RequestId: REQUEST_ID },
        400,
      );
      await expect(baseline().grantAccess(ACCOUNT_ID, userGrant)).rejects.toMatchObject(
        refused('IAM Identity Center user "team-a-owner@example.com" was not found', IDENTITY_STORE_ID),
      );
      expect(aws.operations()).toEqual(['GetUserId']);
    });

    it.each([
      ['ValidationException', 'The permission set ARN is not valid.', 'instance ARN and permission set ARN'],
      ['ResourceNotFoundException', 'Permission set not found.', 'exists'],
      ['ServiceQuotaExceededException', 'The request exceeds the assignments quota.', 'quota'],
      ['AccessDeniedException', 'User is not authorized to perform: sso:CreateAccountAssignment', 'sso:CreateAccountAssignment'],
    ])('CreateAccountAssignment %s is refused for good', async (type, message, hint) => {
      new Services().jsonError('ssoAdmin', 'CreateAccountAssignment', type, message);
      await expect(
        baseline().grantAccess(ACCOUNT_ID, { ...userGrant, principal: { type: 'GROUP', groupId: 'g-1' } }),
      ).rejects.toMatchObject(refused('IAM Identity Center', type, message, hint));
    });

    it.each([
      ['ThrottlingException', 'Rate exceeded'],
      ['ConflictException', 'Another assignment operation is in progress for this account.'],
    ])('CreateAccountAssignment %s propagates unchanged: retrying can fix it', async (type, message) => {
      new Services().jsonError('ssoAdmin', 'CreateAccountAssignment', type, message);
      const err = await baseline()
        .grantAccess(ACCOUNT_ID, { ...userGrant, principal: { type: 'GROUP', groupId: 'g-1' } })
        .catch((e) => e);
      expect(err).not.toBeInstanceOf(BaselineRejectedError);
      expect(err).toMatchObject({ name: type, message });
    });

    it('GetUserId throttling propagates unchanged', async () => {
      new Services().jsonError('identityStore', 'GetUserId', 'ThrottlingException', 'Rate exceeded');
      await expect(baseline().grantAccess(ACCOUNT_ID, userGrant)).rejects.toMatchObject({ name: 'ThrottlingException' });
    });
  });

  describe('createBudget (Budgets CreateBudget in the payer account)', () => {
    const created = {
      AccountId: PAYER_ID,
      Budget: {
        BudgetName: `vending-${ACCOUNT_ID}-monthly`,
        BudgetType: 'COST',
        TimeUnit: 'MONTHLY',
        BudgetLimit: { Amount: '250', Unit: 'USD' },
        FilterExpression: { Dimensions: { Key: 'LINKED_ACCOUNT', Values: [ACCOUNT_ID] } },
      },
      NotificationsWithSubscribers: [
        {
          Notification: { NotificationType: 'ACTUAL', ComparisonOperator: 'GREATER_THAN', Threshold: 80, ThresholdType: 'PERCENTAGE' },
          Subscribers: [{ SubscriptionType: 'EMAIL', Address: 'ana@example.com' }],
        },
      ],
    };

    it("asks STS for the caller's account once, then creates a monthly cost budget filtered on the linked account with one alert", async () => {
      const aws = new Services().callerIdentity().json('budgets', 'CreateBudget', {}).json('budgets', 'CreateBudget', {});
      const vending = baseline();
      await vending.createBudget(ACCOUNT_ID, budget);
      await vending.createBudget('777788889999', { ...budget, name: 'vending-777788889999-monthly', notify: [] });

      expect(aws.operations()).toEqual(['GetCallerIdentity', 'CreateBudget', 'CreateBudget']);
      expect(new URLSearchParams(aws.sent('GetCallerIdentity')[0]).get('Action')).toBe('GetCallerIdentity');
      const [first, second] = aws.sent('CreateBudget');
      expect(first).toEqual(created);
      // Nobody to tell: the budget is created without an alert.
      expect(second).toMatchObject({ AccountId: PAYER_ID, Budget: { FilterExpression: { Dimensions: { Values: ['777788889999'] } } } });
      expect(second.NotificationsWithSubscribers ?? []).toEqual([]);
    });

    it('uses the payer account id when it is given, without asking STS', async () => {
      const aws = new Services().json('budgets', 'CreateBudget', {});
      await baseline({ payerAccountId: '999900001111' }).createBudget(ACCOUNT_ID, budget);
      expect(aws.operations()).toEqual(['CreateBudget']);
      expect(aws.sent('CreateBudget')[0].AccountId).toBe('999900001111');
    });

    it('a budget that exists under its name (DuplicateRecordException) is this step done before: a retry succeeds', async () => {
      const aws = new Services()
        .json('budgets', 'CreateBudget', {})
        .jsonError(
          'budgets',
          'CreateBudget',
          'DuplicateRecordException',
          `Error creating budget: ${budget.name} - the budget already exists.`,
        );
      const vending = baseline({ payerAccountId: PAYER_ID });
      await vending.createBudget(ACCOUNT_ID, budget);
      await expect(vending.createBudget(ACCOUNT_ID, budget)).resolves.toBeUndefined();
      expect(aws.sent('CreateBudget')).toEqual([created, created]);
    });

    it.each([
      ['InvalidParameterException', 'The budget limit amount must be greater than 0.', 'amount'],
      ['CreationLimitExceededException', 'You have exceeded the budget limit for this account.', 'quota'],
      ['AccessDeniedException', 'User is not authorized to perform: budgets:ModifyBudget', 'budgets:ModifyBudget'],
    ])('%s is refused for good, saying what to check', async (type, message, hint) => {
      new Services().jsonError('budgets', 'CreateBudget', type, message);
      await expect(baseline({ payerAccountId: PAYER_ID }).createBudget(ACCOUNT_ID, budget)).rejects.toMatchObject(
        refused(`Creating the budget "${budget.name}" for account ${ACCOUNT_ID} in payer account ${PAYER_ID}`, type, message, hint),
      );
    });

    it('throttling propagates unchanged', async () => {
      new Services().jsonError('budgets', 'CreateBudget', 'ThrottlingException', 'Rate exceeded');
      const err = await baseline({ payerAccountId: PAYER_ID })
        .createBudget(ACCOUNT_ID, budget)
        .catch((e) => e);
      expect(err).not.toBeInstanceOf(BaselineRejectedError);
      expect(err).toMatchObject({ name: 'ThrottlingException' });
    });

    it('an STS outage propagates, and the next attempt asks STS again', async () => {
      const aws = new Services().callerIdentity(ENDPOINTS.sts, 503).callerIdentity().json('budgets', 'CreateBudget', {});
      const vending = baseline();
      await expect(vending.createBudget(ACCOUNT_ID, budget)).rejects.toMatchObject({ name: 'ServiceUnavailable' });
      await vending.createBudget(ACCOUNT_ID, budget);
      expect(aws.operations()).toEqual(['GetCallerIdentity', 'GetCallerIdentity', 'CreateBudget']);
    });
  });

  describe("with the SDK's standard settings (no clients given)", () => {
    const saved = { ...process.env };
    beforeEach(() => {
      for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
      Object.assign(process.env, {
        AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
        AWS_MAX_ATTEMPTS: '1',
        AWS_REGION: 'eu-west-1',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      });
    });
    afterEach(() => {
      process.env = { ...saved };
    });

    it('follows AWS_ENDPOINT_URL_<SERVICE> for each service: ORGANIZATIONS, ACCOUNT, SSO_ADMIN, IDENTITYSTORE, BUDGETS, STS', async () => {
      const emulated = {
        organizations: 'https://organizations-emulator.test',
        account: 'https://account-emulator.test',
        ssoAdmin: 'https://sso-admin-emulator.test',
        identityStore: 'https://identitystore-emulator.test',
        budgets: 'https://budgets-emulator.test',
        sts: 'https://sts-emulator.test',
      };
      Object.assign(process.env, {
        AWS_ENDPOINT_URL_ORGANIZATIONS: emulated.organizations,
        AWS_ENDPOINT_URL_ACCOUNT: emulated.account,
        AWS_ENDPOINT_URL_SSO_ADMIN: emulated.ssoAdmin,
        AWS_ENDPOINT_URL_IDENTITYSTORE: emulated.identityStore,
        AWS_ENDPOINT_URL_BUDGETS: emulated.budgets,
        AWS_ENDPOINT_URL_STS: emulated.sts,
      });
      const aws = new Services()
        .json('organizations', 'TagResource', {}, 200, emulated.organizations)
        .alternateContact(200, undefined, emulated.account)
        .json('identityStore', 'GetUserId', { IdentityStoreId: IDENTITY_STORE_ID, UserId: USER_ID }, 200, emulated.identityStore)
        .json('ssoAdmin', 'CreateAccountAssignment', assignmentStatus('SUCCEEDED'), 200, emulated.ssoAdmin)
        .callerIdentity(emulated.sts)
        .json('budgets', 'CreateBudget', {}, 200, emulated.budgets);

      const vending = new AwsAccountBaseline();
      await vending.tagAccount(ACCOUNT_ID, { team: 'a' });
      await vending.putAlternateContact(ACCOUNT_ID, 'BILLING', {
        name: 'Billing',
        title: 'Finance',
        email: 'billing@example.com',
        phone: '+1 206 555 0101',
      });
      await vending.grantAccess(ACCOUNT_ID, userGrant);
      await vending.createBudget(ACCOUNT_ID, budget);

      expect(aws.operations()).toEqual([
        'TagResource',
        'PutAlternateContact',
        'GetUserId',
        'CreateAccountAssignment',
        'GetCallerIdentity',
        'CreateBudget',
      ]);
    });

    it('calls the global endpoints of Organizations, Account Management and Budgets, signed for us-east-1, whatever AWS_REGION is', async () => {
      const aws = new Services()
        .json('organizations', 'TagResource', {}, 200, 'https://organizations.us-east-1.amazonaws.com')
        .alternateContact(200, undefined, 'https://account.us-east-1.amazonaws.com')
        .json('budgets', 'CreateBudget', {}, 200, 'https://budgets.amazonaws.com');
      const vending = new AwsAccountBaseline({ payerAccountId: PAYER_ID });
      await vending.tagAccount(ACCOUNT_ID, { team: 'a' });
      await vending.putAlternateContact(ACCOUNT_ID, 'BILLING', {
        name: 'Billing',
        title: 'Finance',
        email: 'billing@example.com',
        phone: '+1 206 555 0101',
      });
      await vending.createBudget(ACCOUNT_ID, budget);
      const scopes = aws.calls.map((c) => /Credential=[^/]+\/\d{8}\/([^/]+\/[^/]+)\//.exec(String(c.headers.authorization))?.[1]);
      expect(scopes).toEqual(['us-east-1/organizations', 'us-east-1/account', 'us-east-1/budgets']);
    });

    it("calls SSO Admin and the Identity Store in Identity Center's region when it is given", async () => {
      const aws = new Services()
        .json(
          'identityStore',
          'GetUserId',
          { IdentityStoreId: IDENTITY_STORE_ID, UserId: USER_ID },
          200,
          'https://identitystore.eu-central-1.amazonaws.com',
        )
        .json('ssoAdmin', 'CreateAccountAssignment', assignmentStatus('SUCCEEDED'), 200, 'https://sso.eu-central-1.amazonaws.com');
      await new AwsAccountBaseline({ identityCenterRegion: 'eu-central-1' }).grantAccess(ACCOUNT_ID, userGrant);
      const scopes = aws.calls.map((c) => /Credential=[^/]+\/\d{8}\/([^/]+\/[^/]+)\//.exec(String(c.headers.authorization))?.[1]);
      expect(scopes).toEqual(['eu-central-1/identitystore', 'eu-central-1/sso']);
    });
  });
});
