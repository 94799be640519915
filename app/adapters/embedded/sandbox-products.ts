import { createHash } from 'node:crypto';
import { FactoryRejectedError } from '../../core/errors';
import type { Clock } from '../../core/ports/clock';
import type { ProductFactory, ProductLaunchStatus } from '../../core/ports/product-factory';
import type { Product, ProductOutput, ProductSummary } from '../../core/products/product';
import { type SandboxCatalog, type SandboxOutputTemplate, sandboxProducts } from '../../core/products/sandbox-catalog';
import { type AccountRequest, provisionTokenOf } from '../../core/request/account-request';

export interface SandboxProductOptions {
  /** The parsed sandbox catalog (manifest/sandbox-products.yml). */
  catalog: SandboxCatalog;
  clock: Clock;
  /** How long a simulated launch or termination takes. */
  delayMs: number;
  /** A launch with a (non-secret) parameter value matching this fails after the delay, so the failure path can be tried by hand. */
  failPattern?: RegExp;
}

const SIMULATED = 'sandbox: simulated, nothing exists in AWS';

/**
 * The embedded product factory: simulates Service Catalog launches of the sandbox catalog. Nothing
 * is created in AWS; outputs are computed from the request's parameters and made-up ids (stable per
 * request), and every description and message says "sandbox" and "simulated".
 *
 * Like the sandbox Account Factory, `describe` answers from the record id alone (with the request),
 * so a restart loses nothing: the record id carries when it started, whether it is a launch or a
 * termination, whether it will fail, and the attempt's token (the request id).
 */
export class SandboxProductFactory implements ProductFactory {
  readonly kind = 'sandbox';
  private readonly catalog: Map<string, Product>;
  private readonly failPattern: RegExp;
  /** Records by attempt token: launching one attempt again is the same launch (until a restart). */
  private readonly started = new Map<string, string>();

  constructor(private readonly opts: SandboxProductOptions) {
    this.catalog = new Map(sandboxProducts(opts.catalog).map((p) => [p.id, p]));
    this.failPattern = opts.failPattern ?? /fail/i;
  }

  async products(): Promise<ProductSummary[]> {
    return [...this.catalog.values()].map(({ parameters: _, ...summary }) => summary);
  }

  async product(productId: string): Promise<Product | undefined> {
    return this.catalog.get(productId);
  }

  async launch(request: AccountRequest, parameters: Record<string, string>): Promise<{ recordId: string }> {
    const product = this.productOf(request);
    const missing = product.parameters.find((p) => p.default === undefined && !parameters[p.key]);
    if (missing) throw new FactoryRejectedError(`Sandbox: ${product.name} needs a value for ${missing.key} (simulated launch refused)`);
    const secret = new Set([...(request.product?.secretKeys ?? []), ...product.parameters.filter((p) => p.noEcho).map((p) => p.key)]);
    const fails = Object.entries(parameters).some(([key, value]) => !secret.has(key) && this.failPattern.test(value));
    return { recordId: this.start(request, 'l', fails) };
  }

  async terminate(request: AccountRequest): Promise<{ recordId: string }> {
    if (!request.product) throw new FactoryRejectedError(`Sandbox: request ${request.id} names no provisioned product to terminate`);
    return { recordId: this.start(request, 't', false) };
  }

  async describe(recordId: string, request: AccountRequest): Promise<ProductLaunchStatus> {
    const record = parseRecord(recordId);
    if (!record) return { state: 'FAILED', message: `Unknown sandbox product record ${recordId} (${SIMULATED})` };
    if (record.token !== request.id && !record.token.startsWith(`${request.id}-attempt-`))
      return { state: 'FAILED', message: `Sandbox record ${recordId} is not request ${request.id}'s (${SIMULATED})` };
    if (this.opts.clock.now().getTime() < record.startedAt + this.opts.delayMs) return { state: 'IN_PROGRESS' };
    const name = request.product?.provisionedProductName ?? request.id;
    if (record.operation === 't') return { state: 'SUCCEEDED', message: `Sandbox: ${name} terminated (${SIMULATED})` };
    if (record.fails)
      return {
        state: 'FAILED',
        message: `Sandbox: the launch of ${name} failed because a parameter value matches ${this.failPattern} (simulated failure)`,
      };
    const product = request.product && this.catalog.get(request.product.productId);
    if (!product || !request.product)
      return {
        state: 'SUCCEEDED',
        message: `Sandbox: ${name} launched; its product is no longer in the sandbox catalog, so no outputs (${SIMULATED})`,
      };
    return {
      state: 'SUCCEEDED',
      message: `Sandbox: ${product.name} launched as ${name} (${SIMULATED})`,
      outputs: this.outputs(request, product),
    };
  }

  private productOf(request: AccountRequest): Product {
    const productId = request.product?.productId;
    const product = productId ? this.catalog.get(productId) : undefined;
    if (!product)
      throw new FactoryRejectedError(`Sandbox: there is no product ${productId ?? '(none)'} in the sandbox catalog (simulated)`);
    return product;
  }

  private start(request: AccountRequest, operation: 'l' | 't', fails: boolean): string {
    const token = provisionTokenOf(request);
    const known = this.started.get(`${operation}:${token}`);
    if (known) return known;
    const startedAt = this.opts.clock.now().getTime();
    const recordId = `sandbox-prod-rec-${startedAt.toString(36)}-${operation}${fails ? 'f' : 's'}-${token}`;
    this.started.set(`${operation}:${token}`, recordId);
    return recordId;
  }

  /** The catalog's output templates filled from the request: its parameters (never a sealed one), its account, made-up ids. */
  private outputs(request: AccountRequest, product: Product): ProductOutput[] {
    const launch = request.product;
    const templates = this.opts.catalog.products.find((p) => p.id === product.id)?.outputs ?? {};
    const sealed = new Set([...(launch?.secretKeys ?? []), ...product.parameters.filter((p) => p.noEcho).map((p) => p.key)]);
    const values = new Map(product.parameters.map((p) => [p.key, launch?.parameters[p.key] || p.default || '']));
    const account = request.accountId ?? 'bot';
    return Object.entries(templates).map(([key, template]) => ({
      key,
      value: render(template, key, { requestId: request.id, account, values, sealed }),
      description: `${template.Description ?? key} (${SIMULATED})`,
    }));
  }
}

interface RenderContext {
  requestId: string;
  account: string;
  values: Map<string, string>;
  sealed: Set<string>;
}

/** One output's value: once, or once per unit of its Repeat parameter (1-10), joined with commas. */
function render(template: SandboxOutputTemplate, outputKey: string, ctx: RenderContext): string {
  const times = template.Repeat ? Math.min(10, Math.max(1, Number.parseInt(ctx.values.get(template.Repeat) ?? '', 10) || 1)) : 1;
  return Array.from({ length: times }, (_, i) => {
    let place = 0;
    return template.Value.replace(/\$\{([^}]*)\}/g, (_match, ref: string) => {
      place += 1;
      if (ref === 'Account') return ctx.account;
      if (ref === 'Index') return String(i + 1);
      const hex = /^Hex:(\d+)$/.exec(ref);
      if (hex) return madeUpHex(`${ctx.requestId}:${outputKey}:${i}:${place}`, Number(hex[1]));
      // A sealed value is never shown; the catalog's check already refuses NoEcho references.
      return ctx.sealed.has(ref) ? '****' : (ctx.values.get(ref) ?? '');
    });
  }).join(',');
}

/** Hex digits derived from the request id and the place: stable, and clearly made up. */
export function madeUpHex(seed: string, length: number): string {
  return createHash('sha256').update(`sandbox-product:${seed}`).digest('hex').slice(0, length);
}

/** What a sandbox product record id carries: when it started, a launch (l) or termination (t), whether it fails, the attempt's token. */
interface SandboxProductRecord {
  startedAt: number;
  operation: 'l' | 't';
  fails: boolean;
  token: string;
}

function parseRecord(recordId: string): SandboxProductRecord | undefined {
  const m = /^sandbox-prod-rec-([0-9a-z]+)-([lt])([fs])-(.+)$/.exec(recordId);
  return m ? { startedAt: Number.parseInt(m[1], 36), operation: m[2] as 'l' | 't', fails: m[3] === 'f', token: m[4] } : undefined;
}
