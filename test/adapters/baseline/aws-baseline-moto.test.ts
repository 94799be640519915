import { AccountClient, GetAlternateContactCommand } from '@aws-sdk/client-account';
import { BudgetsClient, DescribeBudgetCommand, DescribeNotificationsForBudgetCommand } from '@aws-sdk/client-budgets';
import { CreateUserCommand, IdentitystoreClient } from '@aws-sdk/client-identitystore';
import {
  CreateAccountCommand,
  CreateOrganizationCommand,
  ListTagsForResourceCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { CreatePermissionSetCommand, ListAccountAssignmentsCommand, ListInstancesCommand, SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { STSClient } from '@aws-sdk/client-sts';
import { AwsAccountBaseline } from '../../../app/adapters/baseline/aws-baseline';
import { BaselineRejectedError } from '../../../app/core/errors';
import type { AccessGrant } from '../../../app/core/ports/account-baseline';
import { type Moto, motoAvailable, startMoto } from '../../support/moto';

/**
 * The AWS baseline against moto, an emulator written from the AWS API models by other people. The
 * organization, the account, the Identity Center user and the permission set are made with the SDK
 * clients themselves; each step runs through the adapter and is read back with the service's own
 * read call (ListTagsForResource, GetAlternateContact, ListAccountAssignments, DescribeBudget).
 *
 * What moto does not do, and the wire test (aws-baseline.test.ts) covers instead:
 * - SSO Admin: moto's CreateAccountAssignment is SUCCEEDED at once, never IN_PROGRESS or FAILED, so
 *   following a creation (DescribeAccountAssignmentCreationStatus) and a FAILED one are wire-only;
 *   and moto lists a repeated assignment twice where Identity Center keeps one, so the retry is too.
 * - Refusals: moto checks little input (no tag limits, no contact validation, no budget amounts),
 *   so only "the user was not found" (ResourceNotFoundException from GetUserId) is checked here.
 */
const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

describe('AwsAccountBaseline against moto', () => {
  if (!motoAvailable) {
    console.warn('moto_server not installed (not on PATH): AwsAccountBaseline was NOT tested against moto.');
    it.skip('moto_server not installed: the baseline against moto did not run', () => undefined);
    return;
  }

  let moto: Moto;
  let clients: {
    organizations: OrganizationsClient;
    account: AccountClient;
    ssoAdmin: SSOAdminClient;
    identityStore: IdentitystoreClient;
    budgets: BudgetsClient;
    sts: STSClient;
  };
  let baseline: AwsAccountBaseline;
  let accountId: string;

  beforeAll(async () => {
    moto = (await startMoto())!;
    const config = { region: 'us-east-1', endpoint: moto.endpoint, credentials: CREDENTIALS, maxAttempts: 1 };
    clients = {
      organizations: new OrganizationsClient(config),
      account: new AccountClient(config),
      ssoAdmin: new SSOAdminClient(config),
      identityStore: new IdentitystoreClient(config),
      budgets: new BudgetsClient(config),
      sts: new STSClient(config),
    };
    baseline = new AwsAccountBaseline({ ...clients, assignmentChecks: { times: 1, everyMs: 0 } });
    await clients.organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    const { CreateAccountStatus } = await clients.organizations.send(
      new CreateAccountCommand({ Email: 'team-a@example.com', AccountName: 'team-a' }),
    );
    accountId = CreateAccountStatus!.AccountId!;
  }, 30_000);
  afterAll(async () => {
    for (const client of Object.values(clients ?? {})) client.destroy();
    await moto?.stop();
  });

  it('tags the account: ListTagsForResource shows the tags, and a retry leaves them as they are', async () => {
    const tags = { 'vending:request-id': 'req-01JNK3Q8X7', 'vending:owner': 'ana@example.com', 'vending:account-type': 'Sandbox' };
    await baseline.tagAccount(accountId, tags);
    await baseline.tagAccount(accountId, tags);
    const { Tags } = await clients.organizations.send(new ListTagsForResourceCommand({ ResourceId: accountId }));
    expect(Object.fromEntries(Tags!.map((t) => [t.Key, t.Value]))).toEqual(tags);
  });

  it("sets the member account's alternate contact: GetAlternateContact for that account shows it", async () => {
    const contact = { name: 'Cloud Security', title: 'Security team', email: 'security@example.com', phone: '+1 206 555 0100' };
    await baseline.putAlternateContact(accountId, 'SECURITY', contact);
    const { AlternateContact } = await clients.account.send(
      new GetAlternateContactCommand({ AccountId: accountId, AlternateContactType: 'SECURITY' }),
    );
    expect(AlternateContact).toEqual({
      AlternateContactType: 'SECURITY',
      Name: 'Cloud Security',
      Title: 'Security team',
      EmailAddress: 'security@example.com',
      PhoneNumber: '+1 206 555 0100',
    });
  });

  describe('access through IAM Identity Center', () => {
    let grant: AccessGrant;
    let userId: string;

    beforeAll(async () => {
      const { Instances } = await clients.ssoAdmin.send(new ListInstancesCommand({}));
      const { InstanceArn, IdentityStoreId } = Instances![0];
      const user = await clients.identityStore.send(
        new CreateUserCommand({
          IdentityStoreId,
          UserName: 'ana@example.com',
          DisplayName: 'Ana Silva',
          Name: { GivenName: 'Ana', FamilyName: 'Silva' },
          Emails: [{ Value: 'ana@example.com', Primary: true }],
        }),
      );
      userId = user.UserId!;
      const { PermissionSet } = await clients.ssoAdmin.send(new CreatePermissionSetCommand({ InstanceArn, Name: 'AccountOwner' }));
      grant = {
        instanceArn: InstanceArn!,
        permissionSetArn: PermissionSet!.PermissionSetArn!,
        identityStoreId: IdentityStoreId!,
        principal: { type: 'USER', userName: 'ana@example.com' },
      };
    });

    it("assigns the permission set to the user found by user name: ListAccountAssignments shows the user's assignment", async () => {
      await baseline.grantAccess(accountId, grant);
      const { AccountAssignments } = await clients.ssoAdmin.send(
        new ListAccountAssignmentsCommand({
          InstanceArn: grant.instanceArn,
          AccountId: accountId,
          PermissionSetArn: grant.permissionSetArn,
        }),
      );
      expect(AccountAssignments).toEqual([
        {
          AccountId: accountId,
          PermissionSetArn: grant.permissionSetArn,
          PrincipalType: 'USER',
          PrincipalId: userId,
        },
      ]);
    });

    it('a user the identity store does not have is refused for good', async () => {
      const err = await baseline
        .grantAccess(accountId, { ...grant, principal: { type: 'USER', userName: 'nobody@example.com' } })
        .catch((e) => e);
      expect(err).toBeInstanceOf(BaselineRejectedError);
      expect(err.message).toContain('IAM Identity Center user "nobody@example.com" was not found');
    });
  });

  it("creates the monthly budget in the caller's account: DescribeBudget shows it, and a retry is the same budget", async () => {
    const spec = { name: `vending-${accountId}-monthly`, amountUsd: 250, alertAtPercent: 80, notify: ['ana@example.com'] };
    await baseline.createBudget(accountId, spec);
    await baseline.createBudget(accountId, spec); // DuplicateRecordException from moto: done before

    // moto's STS answers GetCallerIdentity with its default account, 123456789012: the payer here.
    const payer = '123456789012';
    const { Budget } = await clients.budgets.send(new DescribeBudgetCommand({ AccountId: payer, BudgetName: spec.name }));
    expect(Budget).toMatchObject({
      BudgetName: spec.name,
      BudgetType: 'COST',
      TimeUnit: 'MONTHLY',
      BudgetLimit: { Amount: '250', Unit: 'USD' },
      FilterExpression: { Dimensions: { Key: 'LINKED_ACCOUNT', Values: [accountId] } },
    });
    const { Notifications } = await clients.budgets.send(
      new DescribeNotificationsForBudgetCommand({ AccountId: payer, BudgetName: spec.name }),
    );
    expect(Notifications).toEqual([
      { NotificationType: 'ACTUAL', ComparisonOperator: 'GREATER_THAN', Threshold: 80, ThresholdType: 'PERCENTAGE' },
    ]);
  });
});
