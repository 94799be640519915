import type { Clock } from '../core/ports/clock';
import type { Logger } from '../core/ports/logger';
import type { ProductFactory } from '../core/ports/product-factory';
import type { Config } from './config';
import { onFirstUse } from './on-first-use';

/**
 * The product catalog: Service Catalog's configured portfolios (PRODUCT_PORTFOLIO_IDS) on AWS,
 * else the sandbox catalog (SANDBOX_PRODUCTS, default manifest/sandbox-products.yml; simulated
 * launches). Built on first use, so a process that never vends a product (a cold start, the
 * table's stream) never loads either; a broken sandbox file is refused at the first use, naming
 * the key and line (`npm start` reads it at start for that).
 */
export function productsFromConfig(config: Config, deps: { clock: Clock; log: Logger; checkNow?: boolean }): ProductFactory {
  const portfolioIds = config.PRODUCT_PORTFOLIO_IDS;
  const build = async (): Promise<ProductFactory> => {
    if (portfolioIds.length) {
      const { ServiceCatalogProductFactory } = await import('../adapters/service-catalog/product-factory');
      return new ServiceCatalogProductFactory({ portfolioIds, launchRoleName: config.PRODUCT_LAUNCH_ROLE_NAME, log: deps.log });
    }
    const [{ SandboxProductFactory }, { loadSandboxProducts }] = await Promise.all([
      import('../adapters/embedded/sandbox-products'),
      import('./sandbox-products-file'),
    ]);
    return new SandboxProductFactory({
      catalog: config.SANDBOX_PRODUCTS ? loadSandboxProducts(config.SANDBOX_PRODUCTS) : loadSandboxProducts(),
      clock: deps.clock,
      delayMs: config.SANDBOX_PROVISION_SECONDS * 1000,
    });
  };
  const factory = onFirstUse(build);
  return {
    kind: portfolioIds.length ? 'service-catalog' : 'sandbox',
    products: async () => (await factory()).products(),
    product: async (id) => (await factory()).product(id),
    launch: async (request, parameters) => (await factory()).launch(request, parameters),
    describe: async (recordId, request) => (await factory()).describe(recordId, request),
    terminate: async (request) => (await factory()).terminate(request),
  };
}
