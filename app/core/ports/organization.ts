/**
 * The organization's directory of accounts (AWS Organizations on AWS). The core asks it who an
 * account id belongs to, because the account's e-mail is unique in an organization and its name is not.
 */

export interface OrganizationAccount {
  id: string;
  email: string;
  name: string;
  /** As Organizations reports it (e.g. ACTIVE, SUSPENDED); absent when it does not say. */
  status?: string;
}

export interface AccountDirectory {
  /** "organizations" on AWS. */
  readonly kind: string;
  /** The account, or undefined when the organization has no account with this id; throws on any other failure. */
  describeAccount(accountId: string): Promise<OrganizationAccount | undefined>;
  /**
   * Asks for the account to be closed (Organizations CloseAccount: asynchronous; the account is
   * PENDING_CLOSURE, then SUSPENDED). Resolves too when it is already closed or closing. Throws
   * CloseQuotaError when the organization may not close more accounts now (10 % of its member
   * accounts, between 10 and 1000, in a rolling 30 days), and any other error when it failed.
   */
  closeAccount(accountId: string): Promise<void>;
}
