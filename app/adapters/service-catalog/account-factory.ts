import {
  DescribeProductCommand,
  type DescribeProductCommandOutput,
  DescribeProvisionedProductCommand,
  DescribeRecordCommand,
  ListLaunchPathsCommand,
  type ListLaunchPathsCommandOutput,
  type ProvisionedProductDetail,
  type ProvisioningArtifact,
  ProvisionProductCommand,
  ServiceCatalogClient,
} from '@aws-sdk/client-service-catalog';
import { FactoryRejectedError } from '../../core/errors';
import type { AccountFactory, ProvisioningStatus, ProvisionResult } from '../../core/ports/account-factory';
import type { Logger } from '../../core/ports/logger';
import { type AccountRequest, provisionTokenOf } from '../../core/request/account-request';
import { parseLifecycleEvent } from '../control-tower/lifecycle-events';
import {
  explainFailure,
  isAny,
  type LaunchTarget,
  moveAccount,
  parametersOf,
  provisionedProductName,
  unmanageAccount,
  updateProvisionedProduct,
} from './account-operations';

export { provisionedProductName } from './account-operations';

export const DEFAULT_PRODUCT_NAME = 'AWS Control Tower Account Factory';

export interface ServiceCatalogFactoryOptions {
  /** Defaults to `new ServiceCatalogClient({})`: AWS_REGION, the credentials chain, AWS_ENDPOINT_URL_SERVICE_CATALOG. */
  client?: ServiceCatalogClient;
  /** `prod-...`; when set, the product is looked up by id and the name is ignored. */
  productId?: string;
  productName?: string;
  log: Logger;
}

/**
 * The Account Factory on AWS: Control Tower's Service Catalog product, launched with ProvisionProduct.
 * The attempt's token (the request id, then one per retry) is the provision token, so a relaunch of
 * one attempt (after a lost answer or a restart) is the same launch; the record id it returns is
 * what `describe` follows. A retry after a failure updates the failed provisioned product with
 * the attempt's own token, as Control Tower recommends for a failed Account Factory launch.
 * A move updates the account's provisioned product with the new OU, and unmanaging an account
 * terminates it (account-operations.ts); each is idempotent on the request id.
 */
export class ServiceCatalogAccountFactory implements AccountFactory {
  readonly kind = 'service-catalog';
  /** Control Tower reports the end of an Account Factory launch as a lifecycle event (EventBridge). */
  readonly outcomeOf = parseLifecycleEvent;
  private readonly client: ServiceCatalogClient;
  private readonly product: string;
  private target?: Promise<LaunchTarget>;

  constructor(private readonly opts: ServiceCatalogFactoryOptions) {
    this.client = opts.client ?? new ServiceCatalogClient({});
    this.product = opts.productId ? `id ${opts.productId}` : `"${opts.productName ?? DEFAULT_PRODUCT_NAME}"`;
  }

  async provision(request: AccountRequest): Promise<ProvisionResult> {
    try {
      return await this.withTarget(request, (target) => this.launch(request, target));
    } catch (err) {
      throw this.explain(err);
    }
  }

  async move(request: AccountRequest): Promise<ProvisionResult> {
    try {
      return await this.withTarget(request, (target) => moveAccount(this.client, request, target));
    } catch (err) {
      throw this.explain(err);
    }
  }

  async unmanage(request: AccountRequest): Promise<ProvisionResult> {
    try {
      return await unmanageAccount(this.client, request);
    } catch (err) {
      throw this.explain(err);
    }
  }

  /** Any record: a launch, an update (retry, move) or a termination (which has no AccountId output). */
  async describe(recordId: string): Promise<ProvisioningStatus> {
    const { RecordDetail: record, RecordOutputs: outputs = [] } = await this.client.send(new DescribeRecordCommand({ Id: recordId }));
    switch (record?.Status) {
      case 'SUCCEEDED': {
        const accountId = outputs.find((o) => o.OutputKey === 'AccountId')?.OutputValue;
        return { state: 'SUCCEEDED', ...(accountId ? { accountId } : {}) };
      }
      case 'FAILED': {
        const reasons = (record.RecordErrors ?? []).map((e) => e.Description?.trim()).filter(Boolean);
        return {
          state: 'FAILED',
          message: reasons.length ? reasons.join('; ') : `Account Factory reported a failure without a reason (record ${recordId}).`,
        };
      }
      default:
        // CREATED, IN_PROGRESS and IN_PROGRESS_IN_ERROR (still rolling back) all end later in one of the above.
        return { state: 'IN_PROGRESS' };
    }
  }

  /**
   * Runs an operation on the current Account Factory version. Updating the landing zone publishes a
   * new version and retires the old one: a cached artifact or path can go stale. Look again once;
   * a fresh lookup is not retried.
   */
  private async withTarget(request: AccountRequest, run: (target: LaunchTarget) => Promise<ProvisionResult>): Promise<ProvisionResult> {
    const cached = this.target !== undefined;
    const target = await this.lookup();
    try {
      return await run(target);
    } catch (err) {
      if (!cached || !isAny(err, 'ResourceNotFoundException', 'InvalidParametersException')) throw err;
      this.target = undefined;
      const fresh = await this.lookup();
      if (sameTarget(fresh, target)) throw err;
      this.opts.log.warn({ requestId: request.id, was: target, now: fresh }, 'Account Factory product changed; using the current version');
      return await run(fresh);
    }
  }

  private async launch(request: AccountRequest, target: LaunchTarget): Promise<ProvisionResult> {
    const name = provisionedProductName(request.account.name);
    try {
      const { RecordDetail } = await this.client.send(
        new ProvisionProductCommand({
          ProductId: target.productId,
          ProvisioningArtifactId: target.artifactId,
          PathId: target.pathId,
          ProvisionedProductName: name,
          ProvisionToken: provisionTokenOf(request),
          ProvisioningParameters: parametersOf(request),
        }),
      );
      if (!RecordDetail?.RecordId) throw new Error('Service Catalog accepted ProvisionProduct but returned no record id');
      return { recordId: RecordDetail.RecordId };
    } catch (err) {
      if (!isAny(err, 'DuplicateResourceException')) throw err;
      return this.alreadyLaunched(request, name, target);
    }
  }

  /**
   * The name exists: most likely this attempt's own launch whose answer was lost (pick up its
   * record), or an earlier, failed attempt of this request (update it, as this attempt).
   */
  private async alreadyLaunched(request: AccountRequest, name: string, target: LaunchTarget): Promise<ProvisionResult> {
    const taken = new FactoryRejectedError(
      `A Service Catalog provisioned product named "${name}" already exists and was not launched by this request. Choose another account name.`,
    );
    let detail: ProvisionedProductDetail | undefined;
    try {
      ({ ProvisionedProductDetail: detail } = await this.client.send(new DescribeProvisionedProductCommand({ Name: name })));
    } catch (err) {
      // End users see only their own provisioned products: one we cannot see is someone else's.
      if (isAny(err, 'ResourceNotFoundException')) throw taken;
      throw err;
    }
    const token = provisionTokenOf(request);
    const launchedBy = detail?.IdempotencyToken;
    if (launchedBy && launchedBy !== token) {
      // Tokens of one request all begin with its id; anything else is another request's product.
      if (!launchedBy.startsWith(request.id) || !request.retries) throw taken;
      return this.update(request, name, target, token);
    }
    const recordId = detail?.LastProvisioningRecordId ?? detail?.LastRecordId;
    if (!recordId) throw new Error(`Provisioned product "${name}" exists but has no record yet`);
    this.opts.log.info(
      { requestId: request.id, recordId, provisionedProductName: name },
      'Account Factory launch already made; following its record',
    );
    return { recordId };
  }

  /** A retry of a failed launch: the same provisioned product, updated with this attempt's token (idempotent on it). */
  private async update(request: AccountRequest, name: string, target: LaunchTarget, token: string): Promise<ProvisionResult> {
    const { recordId } = await updateProvisionedProduct(this.client, request, target, token);
    this.opts.log.info(
      { requestId: request.id, recordId, provisionedProductName: name, attempt: (request.retries ?? 0) + 1 },
      'retrying a failed Account Factory launch by updating its provisioned product',
    );
    return { recordId };
  }

  /** Looks the product up once per instance; concurrent launches share the lookup, a failed one is forgotten. */
  private lookup(): Promise<LaunchTarget> {
    this.target ??= this.find().catch((err) => {
      this.target = undefined;
      throw err;
    });
    return this.target;
  }

  private async find(): Promise<LaunchTarget> {
    const { productId, productName = DEFAULT_PRODUCT_NAME } = this.opts;
    let product: DescribeProductCommandOutput;
    try {
      product = await this.client.send(new DescribeProductCommand(productId ? { Id: productId } : { Name: productName }));
    } catch (err) {
      if (isAny(err, 'ResourceNotFoundException')) throw this.productNotFound();
      throw err;
    }
    const id = product.ProductViewSummary?.ProductId ?? productId;
    if (!id) throw this.productNotFound();
    const artifact = currentVersion(product.ProvisioningArtifacts ?? []);
    if (!artifact?.Id)
      throw new FactoryRejectedError(`The Account Factory product ${this.product} has no active version to launch in AWS Service Catalog.`);

    let paths: ListLaunchPathsCommandOutput;
    try {
      paths = await this.client.send(new ListLaunchPathsCommand({ ProductId: id }));
    } catch (err) {
      if (isAny(err, 'ResourceNotFoundException')) throw this.noLaunchPath();
      throw err;
    }
    const pathId = paths.LaunchPathSummaries?.find((p) => p.Id)?.Id;
    if (!pathId) throw this.noLaunchPath();
    const target = { productId: id, artifactId: artifact.Id, pathId };
    this.opts.log.info({ product: this.product, ...target, version: artifact.Name }, 'Account Factory product found');
    return target;
  }

  private productNotFound(): FactoryRejectedError {
    return new FactoryRejectedError(
      `The Account Factory product ${this.product} was not found in AWS Service Catalog. Check the configured product, the region (Control Tower's home region), ` +
        `and that the bot's IAM role is associated with the Account Factory portfolio.`,
    );
  }

  private noLaunchPath(detail?: string): FactoryRejectedError {
    return new FactoryRejectedError(
      `The bot is not allowed to launch the Account Factory product ${this.product}${detail ? ` (${detail})` : ''}. ` +
        `An administrator must associate the bot's IAM role with the Account Factory portfolio in AWS Service Catalog (portfolio access: add the role as a principal).`,
    );
  }

  /**
   * What Service Catalog's answer means (account-operations.ts). After a fresh lookup the product
   * exists, and a move checked its provisioned product: a missing resource is the path the role cannot use.
   */
  private explain(err: unknown): unknown {
    return explainFailure(err, (message) => this.noLaunchPath(message));
  }
}

/** The version Service Catalog recommends (DEFAULT guidance), newest first; DEPRECATED ones cannot be launched. */
export function currentVersion(artifacts: ProvisioningArtifact[]): ProvisioningArtifact | undefined {
  return artifacts
    .filter((a) => a.Guidance !== 'DEPRECATED')
    .sort((a, b) => (b.CreatedTime?.getTime() ?? 0) - (a.CreatedTime?.getTime() ?? 0))[0];
}

const sameTarget = (a: LaunchTarget, b: LaunchTarget) =>
  a.productId === b.productId && a.artifactId === b.artifactId && a.pathId === b.pathId;
