/**
 * What an account gets after it is vended and before its owner is told it is ready: tags, alternate
 * contacts, access for a person or group, and a monthly budget. On AWS: Organizations TagResource,
 * Account PutAlternateContact, IAM Identity Center CreateAccountAssignment and Budgets CreateBudget;
 * embedded: a simulated baseline that says so. Every call must be idempotent (a retried step is
 * the same step); a failure that retrying cannot fix throws BaselineRejectedError.
 */

export type ContactType = 'BILLING' | 'OPERATIONS' | 'SECURITY';

export interface AlternateContact {
  name: string;
  title: string;
  email: string;
  phone: string;
}

/** Who gets access to the new account through IAM Identity Center, with which permission set. */
export interface AccessGrant {
  /** `arn:aws:sso:::instance/ssoins-…` */
  instanceArn: string;
  /** `arn:aws:sso:::permissionSet/ssoins-…/ps-…` */
  permissionSetArn: string;
  /** The identity store of the instance (`d-…`), where a user is found by user name or e-mail. */
  identityStoreId: string;
  /** A user (found by this user name, which Account Factory sets to the SSO e-mail) or a group by id. */
  principal: { type: 'USER'; userName: string } | { type: 'GROUP'; groupId: string };
}

/** A monthly cost budget on the linked account, with an alert to its owner. */
export interface BudgetSpec {
  /** Unique in the payer account; derived from the account id so a retry finds the same budget. */
  name: string;
  amountUsd: number;
  /** Alert when actual spend passes this share of the amount. */
  alertAtPercent: number;
  /** E-mail addresses told by the alert. */
  notify: string[];
}

export interface AccountBaseline {
  /** "aws" on AWS; "sandbox" when simulated (shown wherever results appear). */
  readonly kind: string;
  tagAccount(accountId: string, tags: Record<string, string>): Promise<void>;
  putAlternateContact(accountId: string, type: ContactType, contact: AlternateContact): Promise<void>;
  grantAccess(accountId: string, grant: AccessGrant): Promise<void>;
  createBudget(accountId: string, budget: BudgetSpec): Promise<void>;
}
