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

export interface AccountFactory {
  /** "sandbox" for the simulated factory; shown wherever its results appear. */
  readonly kind: string;
  /** Starts provisioning; idempotent on the request id. Throws FactoryBusyError or FactoryRejectedError. */
  provision(request: AccountRequest): Promise<ProvisionResult>;
  describe(recordId: string): Promise<ProvisioningStatus>;
}
