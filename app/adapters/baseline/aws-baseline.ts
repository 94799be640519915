import { AccountClient, PutAlternateContactCommand } from '@aws-sdk/client-account';
import { BudgetsClient, CreateBudgetCommand } from '@aws-sdk/client-budgets';
import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { OrganizationsClient, TagResourceCommand } from '@aws-sdk/client-organizations';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AccessGrant, AccountBaseline, AlternateContact, BudgetSpec, ContactType } from '../../core/ports/account-baseline';
import { type AssignmentChecks, IdentityCenterAccess } from './identity-center-access';
import { monthlyCostBudget, spendAlert } from './monthly-budget';
import { type BaselineCall, refusal } from './refusals';

/**
 * The AccountBaseline port on AWS, called from the management account (where Control Tower and
 * the bot's Account Factory launches live): Organizations TagResource, Account Management
 * PutAlternateContact (with AccountId, for a member account), IAM Identity Center
 * CreateAccountAssignment (the user found in the Identity Store) and Budgets CreateBudget in the
 * payer account, filtered on the new account.
 *
 * Each step is idempotent, so the effects dispatcher may retry it: tags and contacts are
 * overwritten with the same values, a repeated assignment succeeds again, and a budget that
 * exists under its name (derived from the account id) is the same budget. A refusal retrying
 * cannot fix is a BaselineRejectedError (see refusals.ts); anything else propagates unchanged.
 *
 * Endpoints: every client made here is `new XClient({})`, so it follows AWS_REGION, the credentials
 * chain and AWS_ENDPOINT_URL_<SERVICE> (ORGANIZATIONS, ACCOUNT, SSO_ADMIN, IDENTITYSTORE, BUDGETS,
 * STS). Organizations, Account Management and Budgets are global (one endpoint in us-east-1, whatever
 * the region); SSO Admin and the Identity Store answer only in Identity Center's home region, hence
 * `identityCenterRegion`.
 *
 * IAM: BASELINE_ACTIONS in infra/lib/app/permissions.ts.
 */

export interface AwsAccountBaselineOptions {
  /** Ready clients (tests, or shared ones); each one not given is made with `{}` (see above). */
  organizations?: OrganizationsClient;
  account?: AccountClient;
  ssoAdmin?: SSOAdminClient;
  identityStore?: IdentitystoreClient;
  budgets?: BudgetsClient;
  sts?: STSClient;
  /** The region of the IAM Identity Center instance, for the SSO Admin and Identity Store clients made here; default AWS_REGION. */
  identityCenterRegion?: string;
  /** The payer (management) account that owns the budgets; otherwise the caller's own account, asked of STS once. */
  payerAccountId?: string;
  /** How long an assignment's creation is followed (default: 3 checks, 1 s apart). */
  assignmentChecks?: AssignmentChecks;
}

export class AwsAccountBaseline implements AccountBaseline {
  readonly kind = 'aws';
  private readonly organizations: OrganizationsClient;
  private readonly account: AccountClient;
  private readonly budgets: BudgetsClient;
  private readonly sts: STSClient;
  private readonly access: IdentityCenterAccess;
  private payerAccountId?: Promise<string>;

  constructor(options: AwsAccountBaselineOptions = {}) {
    const identityCenter = options.identityCenterRegion ? { region: options.identityCenterRegion } : {};
    this.organizations = options.organizations ?? new OrganizationsClient({});
    this.account = options.account ?? new AccountClient({});
    this.budgets = options.budgets ?? new BudgetsClient({});
    this.sts = options.sts ?? new STSClient({});
    this.access = new IdentityCenterAccess(
      options.ssoAdmin ?? new SSOAdminClient(identityCenter),
      options.identityStore ?? new IdentitystoreClient(identityCenter),
      options.assignmentChecks,
    );
    if (options.payerAccountId) this.payerAccountId = Promise.resolve(options.payerAccountId);
  }

  async tagAccount(accountId: string, tags: Record<string, string>): Promise<void> {
    const Tags = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
    if (Tags.length === 0) return; // TagResource takes at least one tag; none to add is done.
    await this.step(
      {
        doing: `Tagging account ${accountId}`,
        service: 'AWS Organizations',
        action: 'organizations:TagResource',
        inputHint: 'Check the tags: at most 50 on an account, keys of 1-128 and values of 0-256 characters, no "aws:" prefix.',
      },
      () => this.organizations.send(new TagResourceCommand({ ResourceId: accountId, Tags })),
    );
  }

  async putAlternateContact(accountId: string, type: ContactType, contact: AlternateContact): Promise<void> {
    await this.step(
      {
        doing: `Setting the ${type} alternate contact of account ${accountId}`,
        service: 'AWS Account Management',
        action: 'account:PutAlternateContact',
        inputHint: `Check the configured ${type} contact: a name and title, a valid e-mail address and a phone number.`,
        accessHint:
          'that trusted access for AWS Account Management is enabled in the organization (service principal account.amazonaws.com) ' +
          'and the bot runs in the management account or its delegated administrator',
      },
      () =>
        this.account.send(
          new PutAlternateContactCommand({
            AccountId: accountId,
            AlternateContactType: type,
            Name: contact.name,
            Title: contact.title,
            EmailAddress: contact.email,
            PhoneNumber: contact.phone,
          }),
        ),
    );
  }

  async grantAccess(accountId: string, grant: AccessGrant): Promise<void> {
    await this.access.grant(accountId, grant);
  }

  async createBudget(accountId: string, budget: BudgetSpec): Promise<void> {
    const payer = await this.payer();
    await this.step(
      {
        doing: `Creating the budget "${budget.name}" for account ${accountId} in payer account ${payer}`,
        service: 'AWS Budgets',
        action: 'budgets:ModifyBudget',
        inputHint: 'Check the configured amount (a positive number of USD), alert percentage and e-mail addresses (at most 10).',
      },
      () =>
        this.budgets
          .send(
            new CreateBudgetCommand({
              AccountId: payer,
              Budget: monthlyCostBudget(accountId, budget),
              NotificationsWithSubscribers: spendAlert(budget),
            }),
          )
          .catch((err) => {
            // The name comes from the account id: a budget under it is this step done before (a retry after a lost answer).
            if ((err as { name?: string })?.name !== 'DuplicateRecordException') throw err;
          }),
    );
  }

  /**
   * Budgets are created in the payer account, where the linked account's cost is seen: the caller's
   * own account, since the bot runs in the management account. Asked once; a failed ask is asked again.
   */
  private payer(): Promise<string> {
    this.payerAccountId ??= this.sts
      .send(new GetCallerIdentityCommand({}))
      .then(({ Account }) => {
        if (!Account) throw new Error('STS GetCallerIdentity answered without the account id');
        return Account;
      })
      .catch((err) => {
        this.payerAccountId = undefined;
        throw err;
      });
    return this.payerAccountId;
  }

  private async step(call: BaselineCall, send: () => Promise<unknown>): Promise<void> {
    try {
      await send();
    } catch (err) {
      throw refusal(err, call);
    }
  }
}
