import { ServiceCatalogClient } from '@aws-sdk/client-service-catalog';
import { STSClient } from '@aws-sdk/client-sts';
import type { Logger } from '../../core/ports/logger';
import type { ProductFactory, ProductLaunchStatus } from '../../core/ports/product-factory';
import type { Product, ProductSummary } from '../../core/products/product';
import type { AccountRequest } from '../../core/request/account-request';
import { ProductCatalog } from './product-catalog';
import { DEFAULT_LAUNCH_ROLE_NAME, ProductLauncher } from './product-launcher';

export { DEFAULT_LAUNCH_ROLE_NAME } from './product-launcher';

export interface ServiceCatalogProductFactoryOptions {
  /** The portfolios whose products the bot vends (port-...); the bot's roles are associated with them. */
  portfolioIds: string[];
  /** The role assumed in a vended account to launch there; Control Tower's own by default. */
  launchRoleName?: string;
  /** Defaults to `new ServiceCatalogClient({})`: AWS_REGION, the credentials chain, AWS_ENDPOINT_URL_SERVICE_CATALOG. */
  client?: ServiceCatalogClient;
  /** Defaults to `new STSClient({})`: AWS_REGION, the credentials chain, AWS_ENDPOINT_URL_STS. */
  sts?: STSClient;
  log: Logger;
  /** Milliseconds since the epoch (the catalog's cache, the assumed credentials' expiry); for tests. */
  now?: () => number;
}

/**
 * Service Catalog products on AWS (product-catalog.ts lists and describes them, product-launcher.ts
 * launches, follows and terminates them, in the bot's account or in a vended one).
 */
export class ServiceCatalogProductFactory implements ProductFactory {
  readonly kind = 'service-catalog';
  private readonly catalog: ProductCatalog;
  private readonly launcher: ProductLauncher;

  constructor(opts: ServiceCatalogProductFactoryOptions) {
    const client = opts.client ?? new ServiceCatalogClient({});
    this.catalog = new ProductCatalog({ client, portfolioIds: opts.portfolioIds, log: opts.log, now: opts.now });
    this.launcher = new ProductLauncher({
      client,
      sts: opts.sts ?? new STSClient({}),
      launchRoleName: opts.launchRoleName || DEFAULT_LAUNCH_ROLE_NAME,
      log: opts.log,
      now: opts.now,
    });
  }

  products(): Promise<ProductSummary[]> {
    return this.catalog.products();
  }

  product(productId: string): Promise<Product | undefined> {
    return this.catalog.product(productId);
  }

  launch(request: AccountRequest, parameters: Record<string, string>): Promise<{ recordId: string }> {
    return this.launcher.launch(request, parameters);
  }

  describe(recordId: string, request: AccountRequest): Promise<ProductLaunchStatus> {
    return this.launcher.describe(recordId, request);
  }

  terminate(request: AccountRequest): Promise<{ recordId: string }> {
    return this.launcher.terminate(request);
  }
}
