import {
  DescribeProvisionedProductCommand,
  DescribeRecordCommand,
  type ProvisionedProductDetail,
  ProvisionProductCommand,
  ServiceCatalogClient,
} from '@aws-sdk/client-service-catalog';
import { AssumeRoleCommand, type Credentials, type STSClient } from '@aws-sdk/client-sts';
import { FactoryRejectedError } from '../../core/errors';
import type { Logger } from '../../core/ports/logger';
import type { ProductLaunchStatus } from '../../core/ports/product-factory';
import type { ProductOutput } from '../../core/products/product';
import { type AccountRequest, type ProductLaunch, provisionTokenOf } from '../../core/request/account-request';
import { explainFailure, type FailureWording, isAny, isThrottling, terminateProvisionedProduct } from './account-operations';
import { defined } from './product-catalog';

/**
 * Launches, follows and terminates the provisioned product of a product request: in the bot's own
 * account, or in the account the request names (a vended account), as the role Control Tower puts
 * in every account it manages (AWSControlTowerExecution, trusted by the management account),
 * assumed with STS. Every launch and termination is idempotent on the attempt's token.
 */

export const DEFAULT_LAUNCH_ROLE_NAME = 'AWSControlTowerExecution';
/** Assumed credentials are used until this long before they expire (they last an hour). */
const REFRESH_BEFORE_MS = 5 * 60_000;

const WORDING: FailureWording = {
  busy: 'The provisioned product is busy with another operation in AWS Service Catalog',
  refused: 'AWS Service Catalog refused the product launch',
};

export interface ProductLauncherOptions {
  client: ServiceCatalogClient;
  sts: STSClient;
  launchRoleName: string;
  log: Logger;
  now?: () => number;
}

export class ProductLauncher {
  private readonly accounts = new Map<string, Promise<{ client: ServiceCatalogClient; until: number }>>();

  constructor(private readonly opts: ProductLauncherOptions) {}

  async launch(request: AccountRequest, parameters: Record<string, string>): Promise<{ recordId: string }> {
    const product = productOf(request);
    try {
      const client = await this.clientFor(request);
      try {
        const { RecordDetail } = await client.send(
          new ProvisionProductCommand({
            ProductId: product.productId,
            ProvisioningArtifactId: product.artifactId,
            ...(product.pathId ? { PathId: product.pathId } : {}),
            ProvisionedProductName: product.provisionedProductName,
            ProvisionToken: provisionTokenOf(request),
            ProvisioningParameters: Object.entries(parameters).map(([Key, Value]) => ({ Key, Value })),
          }),
        );
        if (!RecordDetail?.RecordId) throw new Error('Service Catalog accepted ProvisionProduct but returned no record id');
        this.opts.log.info(
          { requestId: request.id, recordId: RecordDetail.RecordId, productId: product.productId, accountId: request.accountId },
          'Service Catalog product launched',
        );
        return { recordId: RecordDetail.RecordId };
      } catch (err) {
        if (!isAny(err, 'DuplicateResourceException')) throw err;
        return await this.alreadyLaunched(client, request, product);
      }
    } catch (err) {
      throw this.explain(err, request, `The product "${product.name}" (${product.productId}, version ${product.artifactId})`);
    }
  }

  /** A launch or a termination record, in the request's account. */
  async describe(recordId: string, request: AccountRequest): Promise<ProductLaunchStatus> {
    const client = await this.clientFor(request).catch((err) => {
      throw this.explain(err, request, 'The record');
    });
    const { RecordDetail: record, RecordOutputs: outputs = [] } = await client.send(new DescribeRecordCommand({ Id: recordId }));
    switch (record?.Status) {
      case 'SUCCEEDED':
        return {
          state: 'SUCCEEDED',
          outputs: outputs
            .filter((o) => o.OutputKey)
            .map(
              (o): ProductOutput =>
                defined({ key: o.OutputKey as string, value: o.OutputValue ?? '', description: o.Description || undefined }),
            ),
        };
      case 'FAILED': {
        const reasons = (record.RecordErrors ?? []).map((e) => e.Description?.trim()).filter(Boolean);
        return {
          state: 'FAILED',
          message: reasons.length ? reasons.join('; ') : `AWS Service Catalog reported a failure without a reason (record ${recordId}).`,
        };
      }
      default:
        // CREATED, IN_PROGRESS and IN_PROGRESS_IN_ERROR (still rolling back) all end later in one of the above.
        return { state: 'IN_PROGRESS' };
    }
  }

  /** The provisioned product of the product request this one terminates (same name), idempotent on this request's token. */
  async terminate(request: AccountRequest): Promise<{ recordId: string }> {
    const product = productOf(request);
    try {
      const client = await this.clientFor(request);
      return { recordId: await terminateProvisionedProduct(client, { name: product.provisionedProductName, request }) };
    } catch (err) {
      throw this.explain(err, request, `The provisioned product "${product.provisionedProductName}"`);
    }
  }

  /**
   * The name exists: this attempt's own launch whose answer was lost (follow its record), or
   * another launch (an earlier failed attempt, or someone else's product), which the bot leaves alone.
   */
  private async alreadyLaunched(
    client: ServiceCatalogClient,
    request: AccountRequest,
    product: ProductLaunch,
  ): Promise<{ recordId: string }> {
    const name = product.provisionedProductName;
    const taken = new FactoryRejectedError(
      `A provisioned product named "${name}" already exists in AWS Service Catalog${where(request)} and was not launched by this attempt. ` +
        'Terminate it, or request the product again under another name.',
    );
    let detail: ProvisionedProductDetail | undefined;
    try {
      ({ ProvisionedProductDetail: detail } = await client.send(new DescribeProvisionedProductCommand({ Name: name })));
    } catch (err) {
      if (isAny(err, 'ResourceNotFoundException')) throw taken;
      throw err;
    }
    if (detail?.IdempotencyToken && detail.IdempotencyToken !== provisionTokenOf(request)) throw taken;
    const recordId = detail?.LastProvisioningRecordId ?? detail?.LastRecordId;
    if (!recordId) throw new Error(`Provisioned product "${name}" exists but has no record yet`);
    this.opts.log.info(
      { requestId: request.id, recordId, provisionedProductName: name },
      'product launch already made; following its record',
    );
    return { recordId };
  }

  /** The bot's own client, or one with the launch role's credentials in the request's account (kept until shortly before they expire). */
  private async clientFor(request: AccountRequest): Promise<ServiceCatalogClient> {
    const accountId = request.accountId;
    if (!accountId) return this.opts.client;
    let entry = this.accounts.get(accountId);
    if (entry) {
      const cached = await entry.catch(() => undefined);
      if (cached && cached.until > this.now()) return cached.client;
      if (this.accounts.get(accountId) === entry) this.accounts.delete(accountId);
    }
    entry = this.accounts.get(accountId);
    if (!entry) {
      const fresh = this.assume(accountId, request.id);
      this.accounts.set(accountId, fresh);
      fresh.catch(() => {
        if (this.accounts.get(accountId) === fresh) this.accounts.delete(accountId);
      });
      entry = fresh;
    }
    return (await entry).client;
  }

  private async assume(accountId: string, requestId: string): Promise<{ client: ServiceCatalogClient; until: number }> {
    const config = this.opts.client.config;
    const region = await config.region();
    const roleArn = `arn:${partitionOf(region)}:iam::${accountId}:role/${this.opts.launchRoleName}`;
    let credentials: Credentials | undefined;
    try {
      ({ Credentials: credentials } = await this.opts.sts.send(
        new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: `vending-${requestId}`.slice(0, 64) }),
      ));
    } catch (err) {
      if (isThrottling(err)) throw err;
      throw new FactoryRejectedError(
        `The bot could not assume ${roleArn} to launch products in account ${accountId}: ${(err as Error).message}. ` +
          'The role must exist there and trust the account the bot runs in.',
      );
    }
    if (!credentials?.AccessKeyId || !credentials.SecretAccessKey) throw new Error(`AssumeRole of ${roleArn} returned no credentials`);
    const client = new ServiceCatalogClient({
      region,
      credentials: {
        accessKeyId: credentials.AccessKeyId,
        secretAccessKey: credentials.SecretAccessKey,
        sessionToken: credentials.SessionToken,
        expiration: credentials.Expiration,
      },
      maxAttempts: await config.maxAttempts(),
      // An endpoint given to the bot's client (tests, a local stand-in) serves the other accounts too; else the SDK's own (AWS_ENDPOINT_URL_SERVICE_CATALOG).
      ...(config.isCustomEndpoint && config.endpoint ? { endpoint: config.endpoint } : {}),
    });
    const expires = credentials.Expiration?.getTime() ?? this.now() + 15 * 60_000;
    this.opts.log.info({ accountId, roleArn }, 'assumed the launch role for Service Catalog products');
    return { client, until: expires - REFRESH_BEFORE_MS };
  }

  private explain(err: unknown, request: AccountRequest, subject: string): unknown {
    return explainFailure(
      err,
      (message) =>
        new FactoryRejectedError(`${subject} was not found in AWS Service Catalog${where(request)}, or the bot may not use it: ${message}`),
      WORDING,
    );
  }

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }
}

function productOf(request: AccountRequest): ProductLaunch {
  if (!request.product) throw new Error(`Request ${request.id} (${request.kind}) has no product to launch or terminate`);
  return request.product;
}

const where = (request: AccountRequest) => (request.accountId ? ` of account ${request.accountId}` : '');

/** The partition of a region's ARNs. */
function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}
