import { backoffMs } from '../effects/dispatcher';
import { FactoryBusyError, FactoryRejectedError, TransitionConflictError } from '../errors';
import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import type { ProductFactory } from '../ports/product-factory';
import type { ProductOutput } from '../products/product';
import type { Sealer } from '../products/sealed';
import { type AccountRequest, provisioningOf, SYSTEM } from '../request/account-request';
import { BUSY_BACKOFF } from './provisioning';
import type { Transitions } from './transitions';

const RELAUNCH_AFTER_MS = 60_000;

/**
 * Carrying out product requests once approved: a launch (ProvisionProduct with the attempt's
 * token, secrets unsealed only for the call) or a termination, then following the record with
 * DescribeRecord (Service Catalog sends no event for products) until it has finished; a launch's
 * record outputs are kept on the request. A busy catalog puts the request back in the queue.
 */
export class ProductLaunching {
  constructor(
    private readonly factory: ProductFactory,
    private readonly sealer: Sealer,
    private readonly transitions: Transitions,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** Starts the work of a PROVISIONING product request (just started, or relaunched by the reconciler). */
  async launch(request: AccountRequest): Promise<void> {
    const log = this.log.child({ requestId: request.id, kind: request.kind });
    const product = request.product;
    if (!product) return;
    try {
      const { recordId } =
        request.kind === 'terminate-product'
          ? await this.factory.terminate(request)
          : await this.factory.launch(request, this.inClear(request));
      await this.transitions.apply(request, 'record', SYSTEM, {
        patch: (current) => ({ provisioning: { ...provisioningOf(current), recordId } }),
        reason: `Service Catalog record ${recordId}`,
      });
    } catch (err) {
      if (err instanceof TransitionConflictError) return;
      if (err instanceof FactoryBusyError) {
        const notBefore = new Date(this.clock.now().getTime() + backoffMs(provisioningOf(request).attempts, BUSY_BACKOFF));
        log.info({ notBefore, reason: err.message }, 'Service Catalog busy; product request back in the queue');
        await this.transitions.requeue(request, notBefore, `Service Catalog busy: ${err.message}`);
      } else if (err instanceof FactoryRejectedError) {
        await this.finish(request, { state: 'FAILED', message: err.message });
      } else {
        log.error({ err }, 'product launch failed; the reconciler will retry');
      }
    }
  }

  /** The reconciler's step: follow the record, or launch again when the launch was interrupted. */
  async follow(request: AccountRequest): Promise<void> {
    const p = request.provisioning;
    if (!p?.recordId) {
      if (!p?.startedAt || this.clock.now().getTime() - Date.parse(p.startedAt) > RELAUNCH_AFTER_MS) await this.launch(request);
      return;
    }
    const status = await this.factory.describe(p.recordId, request);
    if (status.state !== 'IN_PROGRESS') await this.finish(request, { ...status, state: status.state });
  }

  private async finish(request: AccountRequest, status: { state: 'SUCCEEDED' | 'FAILED'; message?: string; outputs?: ProductOutput[] }) {
    const now = this.clock.now().toISOString();
    const provisioning = {
      ...provisioningOf(request),
      factory: this.factory.kind,
      completedAt: now,
      ...(status.state === 'FAILED' ? { failureReason: status.message ?? 'Service Catalog reported a failure' } : {}),
    };
    const launched = request.kind === 'product' && status.state === 'SUCCEEDED';
    try {
      await this.transitions.apply(request, status.state === 'SUCCEEDED' ? 'succeed' : 'fail', SYSTEM, {
        patch: {
          provisioning,
          ...(launched && request.product ? { product: { ...request.product, outputs: status.outputs ?? [] } } : {}),
        },
        once: true,
        reason:
          status.state === 'FAILED'
            ? provisioning.failureReason
            : request.kind === 'terminate-product'
              ? `Product ${request.product?.provisionedProductName} terminated`
              : `Product ${request.product?.provisionedProductName} launched`,
      });
    } catch (err) {
      if (!(err instanceof TransitionConflictError)) throw err;
    }
  }

  /** The parameters for the launch call: sealed secrets opened, only here. */
  private inClear(request: AccountRequest): Record<string, string> {
    const { parameters, secretKeys = [] } = request.product as NonNullable<AccountRequest['product']>;
    return Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, secretKeys.includes(k) ? this.sealer.unseal(v) : v]));
  }
}
