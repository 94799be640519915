import type { Product, ProductOutput, ProductSummary } from '../products/product';
import type { AccountRequest } from '../request/account-request';

/**
 * The products the bot may vend and where they are launched: Service Catalog on AWS (the
 * configured portfolios), the sandbox catalog embedded (simulated launches).
 */

export interface ProductLaunchStatus {
  state: 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED';
  message?: string;
  outputs?: ProductOutput[];
}

export interface ProductFactory {
  /** "sandbox" for the simulated catalog; shown wherever its results appear. */
  readonly kind: string;
  /** The products the bot may launch (Account Factory is never among them). */
  products(): Promise<ProductSummary[]>;
  /** One product with its parameters, or undefined when it is not in the catalog. */
  product(productId: string): Promise<Product | undefined>;
  /**
   * Launches the product of a `product` request with its parameters (secrets given in clear here
   * only, never stored so), in the request's account when it names one, idempotent on the
   * attempt's token. Throws FactoryBusyError or FactoryRejectedError like an account factory.
   */
  launch(request: AccountRequest, parameters: Record<string, string>): Promise<{ recordId: string }>;
  /** Where a launch or termination record stands; a finished launch has its outputs. */
  describe(recordId: string, request: AccountRequest): Promise<ProductLaunchStatus>;
  /** Terminates the provisioned product a `product` request launched (TerminateProvisionedProduct). */
  terminate(request: AccountRequest): Promise<{ recordId: string }>;
}
