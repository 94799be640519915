import { type Account, CloseAccountCommand, DescribeAccountCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { CloseQuotaError } from '../../core/errors';
import type { AccountDirectory, OrganizationAccount } from '../../core/ports/organization';

/**
 * The AccountDirectory port on AWS Organizations (DescribeAccount, CloseAccount), called from the
 * management account (or a delegated administrator). Control Tower lifecycle events name an account
 * by id and name; its e-mail, unique in the organization, says which request it belongs to. A close
 * request closes its account with CloseAccount, and follows it with DescribeAccount.
 *
 * Organizations is a global service with one API endpoint per partition: the SDK's endpoint rules
 * send any region of the aws partition (AWS_REGION=eu-west-1 included) to
 * organizations.us-east-1.amazonaws.com, signed for us-east-1, so the app's own region is fine.
 * AWS_ENDPOINT_URL_ORGANIZATIONS (or the client's endpoint) overrides that, e.g. for an emulator.
 *
 * IAM: organizations:DescribeAccount, organizations:CloseAccount.
 */

export interface OrganizationsDirectoryOptions {
  /** A ready client (tests, or a shared one); otherwise `new OrganizationsClient({})`: AWS_REGION, the credentials chain, AWS_ENDPOINT_URL_ORGANIZATIONS. */
  client?: OrganizationsClient;
}

/** Why Organizations refuses a close for now (ConstraintViolationException's Reason), in plain words. */
const CLOSE_QUOTAS: Record<string, string> = {
  CLOSE_ACCOUNT_QUOTA_EXCEEDED:
    'the organization has closed as many accounts as Organizations allows in a rolling 30 days ' +
    '(the higher of 250 and 20 % of its member accounts, at most 1,000)',
  CLOSE_ACCOUNT_REQUESTS_LIMIT_EXCEEDED: 'too many account closes are in progress in the organization at once',
};

const nameOf = (err: unknown): string | undefined => (err as { name?: string })?.name;

export class OrganizationsDirectory implements AccountDirectory {
  readonly kind = 'organizations';
  private readonly client: OrganizationsClient;

  constructor(options: OrganizationsDirectoryOptions = {}) {
    this.client = options.client ?? new OrganizationsClient({});
  }

  async describeAccount(accountId: string): Promise<OrganizationAccount | undefined> {
    let account: Account | undefined;
    try {
      ({ Account: account } = await this.client.send(new DescribeAccountCommand({ AccountId: accountId })));
    } catch (err) {
      if (nameOf(err) === 'AccountNotFoundException') return undefined;
      throw err;
    }
    if (!account?.Id || !account.Email) throw new Error(`AWS Organizations described account ${accountId} without its id or e-mail`);
    // State replaces Status (retired by Organizations in September 2026); either may be there.
    const status = account.State ?? account.Status;
    return { id: account.Id, email: account.Email, name: account.Name ?? '', ...(status ? { status } : {}) };
  }

  async closeAccount(accountId: string): Promise<void> {
    try {
      await this.client.send(new CloseAccountCommand({ AccountId: accountId }));
    } catch (err) {
      switch (nameOf(err)) {
        case 'AccountAlreadyClosedException':
          return;
        case 'AccountNotFoundException':
          throw new Error(`AWS Organizations has no account ${accountId} in this organization, so it cannot be closed`);
        case 'ConstraintViolationException': {
          const quota = CLOSE_QUOTAS[(err as { Reason?: string }).Reason ?? ''];
          if (quota) throw new CloseQuotaError(`Account ${accountId} cannot be closed yet: ${quota}. The close will be tried again later.`);
          throw err;
        }
        default:
          throw err;
      }
    }
  }
}
