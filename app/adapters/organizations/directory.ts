import { type Account, DescribeAccountCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import type { AccountDirectory, OrganizationAccount } from '../../core/ports/organization';

/**
 * The AccountDirectory port on AWS Organizations (DescribeAccount), called from the management
 * account (or a delegated administrator). Control Tower lifecycle events name an account by id and
 * name; its e-mail, unique in the organization, says which request it belongs to.
 *
 * Organizations is a global service with one API endpoint per partition: the SDK's endpoint rules
 * send any region of the aws partition (AWS_REGION=eu-west-1 included) to
 * organizations.us-east-1.amazonaws.com, signed for us-east-1, so the app's own region is fine.
 * AWS_ENDPOINT_URL_ORGANIZATIONS (or the client's endpoint) overrides that, e.g. for an emulator.
 *
 * IAM: organizations:DescribeAccount.
 */

export interface OrganizationsDirectoryOptions {
  /** A ready client (tests, or a shared one); otherwise `new OrganizationsClient({})`: AWS_REGION, the credentials chain, AWS_ENDPOINT_URL_ORGANIZATIONS. */
  client?: OrganizationsClient;
}

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
      if ((err as { name?: string })?.name === 'AccountNotFoundException') return undefined;
      throw err;
    }
    if (!account?.Id || !account.Email) throw new Error(`AWS Organizations described account ${accountId} without its id or e-mail`);
    // State replaces Status (retired by Organizations in September 2026); either may be there.
    const status = account.State ?? account.Status;
    return { id: account.Id, email: account.Email, name: account.Name ?? '', ...(status ? { status } : {}) };
  }
}
