import {
  DescribeProductCommand,
  DescribeProvisioningParametersCommand,
  ListLaunchPathsCommand,
  type ProductViewSummary,
  type ProvisioningArtifactParameter,
  type ParameterConstraints as ScParameterConstraints,
  SearchProductsAsAdminCommand,
  type ServiceCatalogClient,
} from '@aws-sdk/client-service-catalog';
import type { Logger } from '../../core/ports/logger';
import type { ParameterConstraints, Product, ProductParameter, ProductSummary } from '../../core/products/product';
import { currentVersion, DEFAULT_PRODUCT_NAME } from './account-factory';
import { isAny } from './account-operations';

/**
 * The products of the configured portfolios that the bot may launch, as Service Catalog describes
 * them: listed as an administrator (SearchProductsAsAdmin, every product of each portfolio), kept
 * when the bot's role has a launch path to them, each with the version a launch uses (the DEFAULT
 * one, newest first, as for Account Factory), and one product's parameters with their constraints
 * (DescribeProvisioningParameters). Account Factory is never among them: accounts are vended by
 * their own requests. The list is kept for a minute; products change rarely.
 */

export const CATALOG_TTL_MS = 60_000;
/** Products looked up at once (DescribeProduct and ListLaunchPaths each): few, so Service Catalog does not throttle. */
const CONCURRENCY = 4;

export interface ProductCatalogOptions {
  client: ServiceCatalogClient;
  portfolioIds: string[];
  log: Logger;
  ttlMs?: number;
  /** Milliseconds since the epoch; for tests. */
  now?: () => number;
}

export class ProductCatalog {
  private cached?: { products: Promise<ProductSummary[]>; until: number };

  constructor(private readonly opts: ProductCatalogOptions) {}

  /** The launchable products of every portfolio, each once, by name. */
  products(): Promise<ProductSummary[]> {
    const now = this.now();
    if (!this.cached || this.cached.until <= now) {
      const products = this.list().catch((err) => {
        if (this.cached?.products === products) this.cached = undefined;
        throw err;
      });
      this.cached = { products, until: now + (this.opts.ttlMs ?? CATALOG_TTL_MS) };
    }
    return this.cached.products;
  }

  /** One product with its parameters; undefined when it is not (or no longer) in the catalog. */
  async product(productId: string): Promise<Product | undefined> {
    const summary = (await this.products()).find((p) => p.id === productId);
    if (!summary) return undefined;
    try {
      return { ...summary, parameters: await this.parameters(summary) };
    } catch (err) {
      if (!isAny(err, 'ResourceNotFoundException')) throw err;
      // A stale list: the version or the path went away. Look once more.
      this.forget();
      const fresh = (await this.products()).find((p) => p.id === productId);
      if (!fresh || (fresh.artifactId === summary.artifactId && fresh.pathId === summary.pathId)) return undefined;
      return { ...fresh, parameters: await this.parameters(fresh) };
    }
  }

  /** Drops the cached list (a launch found it stale). */
  forget(): void {
    this.cached = undefined;
  }

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  private async list(): Promise<ProductSummary[]> {
    const seen = new Map<string, ProductViewSummary>();
    for (const portfolioId of this.opts.portfolioIds) {
      for (const view of await this.search(portfolioId)) {
        if (view.ProductId && view.Name !== DEFAULT_PRODUCT_NAME && !seen.has(view.ProductId)) seen.set(view.ProductId, view);
      }
    }
    const found = await mapLimited([...seen.values()], CONCURRENCY, (view) => this.summary(view));
    const products = found.filter((p): p is ProductSummary => p !== undefined).sort((a, b) => a.name.localeCompare(b.name));
    this.opts.log.info(
      { portfolios: this.opts.portfolioIds.length, products: products.length, listed: seen.size },
      'Service Catalog products listed',
    );
    return products;
  }

  /** Every available product of one portfolio, page by page. */
  private async search(portfolioId: string): Promise<ProductViewSummary[]> {
    const views: ProductViewSummary[] = [];
    let PageToken: string | undefined;
    do {
      const page = await this.opts.client.send(new SearchProductsAsAdminCommand({ PortfolioId: portfolioId, PageToken }));
      for (const detail of page.ProductViewDetails ?? []) {
        if (detail.ProductViewSummary && (detail.Status ?? 'AVAILABLE') === 'AVAILABLE') views.push(detail.ProductViewSummary);
      }
      PageToken = page.NextPageToken || undefined;
    } while (PageToken);
    return views;
  }

  /** The product as the bot's role may launch it, or undefined when it may not (no launch path, no active version). */
  private async summary(view: ProductViewSummary): Promise<ProductSummary | undefined> {
    const productId = view.ProductId as string;
    try {
      const { LaunchPathSummaries: paths = [] } = await this.opts.client.send(new ListLaunchPathsCommand({ ProductId: productId }));
      const pathId = paths.find((p) => p.Id)?.Id;
      if (!pathId) return this.skip(view, 'no launch path for the bot');
      const { ProvisioningArtifacts: artifacts = [] } = await this.opts.client.send(new DescribeProductCommand({ Id: productId }));
      const artifact = currentVersion(artifacts);
      if (!artifact?.Id) return this.skip(view, 'no active version');
      return defined({
        id: productId,
        name: view.Name ?? productId,
        description: view.ShortDescription || undefined,
        owner: view.Owner || undefined,
        artifactId: artifact.Id,
        artifactName: artifact.Name || undefined,
        pathId,
      });
    } catch (err) {
      // Not shared with the bot's role (the portfolio lists it, the role cannot see it).
      if (isAny(err, 'ResourceNotFoundException')) return this.skip(view, 'not visible to the bot');
      throw err;
    }
  }

  private skip(view: ProductViewSummary, why: string): undefined {
    this.opts.log.debug({ productId: view.ProductId, name: view.Name, why }, 'Service Catalog product left out');
    return undefined;
  }

  private async parameters(product: ProductSummary): Promise<ProductParameter[]> {
    const { ProvisioningArtifactParameters: parameters = [] } = await this.opts.client.send(
      new DescribeProvisioningParametersCommand({
        ProductId: product.id,
        ProvisioningArtifactId: product.artifactId,
        ...(product.pathId ? { PathId: product.pathId } : {}),
      }),
    );
    return parameters.filter((p) => p.ParameterKey).map(parameterOf);
  }
}

/** A template parameter as Service Catalog gives it; lengths and bounds come as strings. */
export function parameterOf(p: ProvisioningArtifactParameter): ProductParameter {
  return defined({
    key: p.ParameterKey as string,
    description: p.Description || undefined,
    type: p.ParameterType || 'String',
    default: p.DefaultValue,
    noEcho: p.IsNoEcho === true,
    constraints: constraintsOf(p.ParameterConstraints),
  });
}

function constraintsOf(c: ScParameterConstraints | undefined): ParameterConstraints {
  if (!c) return {};
  return defined({
    allowedValues: c.AllowedValues?.length ? [...c.AllowedValues] : undefined,
    allowedPattern: c.AllowedPattern || undefined,
    constraintDescription: c.ConstraintDescription || undefined,
    minLength: numberOf(c.MinLength),
    maxLength: numberOf(c.MaxLength),
    minValue: numberOf(c.MinValue),
    maxValue: numberOf(c.MaxValue),
  });
}

function numberOf(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** The object without its undefined properties (what is stored and shown has none). */
export function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** `fn` on every item, at most `limit` at once, results in order. */
async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
