import type { AccountRequest } from '../request/account-request';

/** What provisions accounts: Service Catalog Account Factory on AWS, the sandbox factory embedded. */

export interface ProvisionResult {
  recordId: string;
}

export interface ProvisioningStatus {
  state: 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED';
  accountId?: string;
  message?: string;
}

/**
 * How a factory reports an outcome (sandbox timer, Control Tower event, DescribeRecord). A Control
 * Tower event has no requestId, and its accountName and accountId may be absent (null in the event).
 */
export interface ProvisioningOutcome {
  requestId?: string;
  accountName?: string;
  state: 'SUCCEEDED' | 'FAILED';
  accountId?: string;
  message?: string;
}

export interface AccountFactory {
  /** "sandbox" for the simulated factory; shown wherever its results appear. */
  readonly kind: string;
  /** Starts provisioning; idempotent on the request id. Throws FactoryBusyError or FactoryRejectedError. */
  provision(request: AccountRequest): Promise<ProvisionResult>;
  /**
   * Moves a vended account to the OU of a `move-account` request (Account Factory: the account's
   * provisioned product updated with the new ManagedOrganizationalUnit; idempotent on the request id).
   */
  move(request: AccountRequest): Promise<ProvisionResult>;
  /**
   * Takes a vended account out of Control Tower before it is closed, as Control Tower requires
   * (Account Factory: its provisioned product terminated; idempotent on the request id).
   */
  unmanage(request: AccountRequest): Promise<ProvisionResult>;
  /** Where an operation's record stands (any of the above). */
  describe(recordId: string): Promise<ProvisioningStatus>;
  /** The outcome an event of the factory's own reports (a Control Tower lifecycle event), or undefined for any other event. */
  outcomeOf?(event: unknown): ProvisioningOutcome | undefined;
}
