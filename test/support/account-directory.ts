import type { AccountDirectory, OrganizationAccount } from '../../app/core/ports/organization';

/** An organization the test describes: its accounts by id; `failure` makes every call throw (an outage). */
export class FakeDirectory implements AccountDirectory {
  readonly kind = 'fake';
  readonly asked: string[] = [];
  failure?: Error;
  private readonly accounts = new Map<string, OrganizationAccount>();

  constructor(accounts: OrganizationAccount[] = []) {
    for (const account of accounts) this.accounts.set(account.id, account);
  }

  async describeAccount(accountId: string): Promise<OrganizationAccount | undefined> {
    this.asked.push(accountId);
    if (this.failure) throw this.failure;
    return this.accounts.get(accountId);
  }

  /** Closing is the business of account-life specs, which use the sandbox organization. */
  async closeAccount(accountId: string): Promise<void> {
    throw new Error(`FakeDirectory does not close accounts (${accountId})`);
  }
}
