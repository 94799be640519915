import { createHash } from 'node:crypto';
import {
  DescribeProvisionedProductCommand,
  ListRecordHistoryCommand,
  type ProvisioningParameter,
  type ServiceCatalogClient,
  TerminateProvisionedProductCommand,
  UpdateProvisionedProductCommand,
} from '@aws-sdk/client-service-catalog';
import { FactoryBusyError, FactoryRejectedError } from '../../core/errors';
import type { ProvisionResult } from '../../core/ports/account-factory';
import { type AccountRequest, ouLabel, provisionTokenOf } from '../../core/request/account-request';

/**
 * What Account Factory does to an account's provisioned product besides launching it (account-factory.ts):
 * update it (a retry of a failed launch, or a move to another OU) and terminate it (the account
 * leaves Control Tower before it is closed), and the rules both share: the product's name and
 * parameters, and what Service Catalog's errors mean.
 */

/** What a launch or an update needs besides the request: which product, which version, through which portfolio. */
export interface LaunchTarget {
  productId: string;
  artifactId: string;
  pathId: string;
}

/**
 * A name Service Catalog accepts (1-128 of `[a-zA-Z0-9][a-zA-Z0-9._-]*`), derived from the account
 * name and always the same for it: "Team A / prod" becomes "Team-A-prod", "Café" becomes "Cafe".
 * A name with nothing usable left gets a stable hash instead.
 */
export function provisionedProductName(accountName: string): string {
  const name = accountName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-zA-Z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[^a-zA-Z0-9]+/, '')
    .slice(0, 128)
    .replace(/[._-]+$/, '');
  return name || `account-${createHash('sha256').update(accountName).digest('hex').slice(0, 12)}`;
}

/** The Account Factory product's parameters, from the request (for a move, ManagedOrganizationalUnit is the OU it goes to). */
export function parametersOf({ account }: AccountRequest): ProvisioningParameter[] {
  return [
    { Key: 'AccountName', Value: account.name },
    { Key: 'AccountEmail', Value: account.email },
    { Key: 'ManagedOrganizationalUnit', Value: ouLabel(account.ou) },
    { Key: 'SSOUserEmail', Value: account.sso.email },
    { Key: 'SSOUserFirstName', Value: account.sso.firstName },
    { Key: 'SSOUserLastName', Value: account.sso.lastName },
  ];
}

/** Updates the request's provisioned product to the target with the request's parameters (idempotent on the token). */
export async function updateProvisionedProduct(
  client: ServiceCatalogClient,
  request: AccountRequest,
  target: LaunchTarget,
  token: string,
): Promise<ProvisionResult> {
  const { RecordDetail } = await client.send(
    new UpdateProvisionedProductCommand({
      ProvisionedProductName: provisionedProductName(request.account.name),
      ProductId: target.productId,
      ProvisioningArtifactId: target.artifactId,
      PathId: target.pathId,
      UpdateToken: token,
      ProvisioningParameters: parametersOf(request),
    }),
  );
  if (!RecordDetail?.RecordId) throw new Error('Service Catalog accepted UpdateProvisionedProduct but returned no record id');
  return { recordId: RecordDetail.RecordId };
}

/**
 * A `move-account` request: the account's provisioned product updated with the new
 * ManagedOrganizationalUnit, which Control Tower carries out as a move (the request id is the token).
 */
export async function moveAccount(client: ServiceCatalogClient, request: AccountRequest, target: LaunchTarget): Promise<ProvisionResult> {
  try {
    return await updateProvisionedProduct(client, request, target, provisionTokenOf(request));
  } catch (err) {
    // Missing: the provisioned product, or else the version or path (a stale target, or the path the role cannot use).
    if (isAny(err, 'ResourceNotFoundException') && !(await exists(client, request))) throw notInServiceCatalog(request, 'move');
    throw err;
  }
}

/** A `close-account` request, before Organizations closes the account: its provisioned product terminated (the request id is the token). */
export async function unmanageAccount(client: ServiceCatalogClient, request: AccountRequest): Promise<ProvisionResult> {
  try {
    const recordId = await terminateProvisionedProduct(client, {
      name: provisionedProductName(request.account.name),
      request,
      ignoreErrors: false,
    });
    return { recordId };
  } catch (err) {
    if (isAny(err, 'ResourceNotFoundException')) throw notInServiceCatalog(request, 'unmanage');
    throw err;
  }
}

/**
 * Terminates a provisioned product with the request id as the token, and gives its record id.
 * Once a termination has finished, the same token gets "not found" (the token only holds while it
 * runs): a relaunch after an answer that was lost (a timeout, a crash) finds that termination's
 * record instead, the answer the first call had. With no such record, "not found" is thrown as
 * Service Catalog said it. For closes (above) and product terminations (product-launcher.ts).
 */
export async function terminateProvisionedProduct(
  client: ServiceCatalogClient,
  { name, request, ignoreErrors }: { name: string; request: AccountRequest; ignoreErrors?: boolean },
): Promise<string> {
  const { RecordDetail } = await client
    .send(
      new TerminateProvisionedProductCommand({
        ProvisionedProductName: name,
        TerminateToken: provisionTokenOf(request),
        ...(ignoreErrors === undefined ? {} : { IgnoreErrors: ignoreErrors }),
      }),
    )
    .catch(async (err) => {
      const earlier = isAny(err, 'ResourceNotFoundException') ? await terminationSince(client, name, request.createdAt) : undefined;
      if (!earlier) throw err;
      return { RecordDetail: { RecordId: earlier } };
    });
  if (!RecordDetail?.RecordId) throw new Error('Service Catalog accepted TerminateProvisionedProduct but returned no record id');
  return RecordDetail.RecordId;
}

/** Pages of this role's records read for a lost termination (20 records each, the most a page holds): bounded, however many launches the role made. */
const RECORD_PAGES = 10;

/**
 * The record of a termination of the provisioned product of this name by this role since a time
 * (when the request that terminates it was made), not failed (a failed one leaves the product in
 * place), if there is one: what a TerminateProvisionedProduct whose answer was lost started.
 */
async function terminationSince(client: ServiceCatalogClient, name: string, sinceIso: string): Promise<string | undefined> {
  const since = Date.parse(sinceIso);
  let PageToken: string | undefined;
  for (let page = 0; page < RECORD_PAGES; page++) {
    const { RecordDetails = [], NextPageToken } = await client.send(
      new ListRecordHistoryCommand({ AccessLevelFilter: { Key: 'Role', Value: 'self' }, PageSize: 20, PageToken }),
    );
    const found = RecordDetails.find(
      (r) =>
        r.RecordType === 'TERMINATE_PROVISIONED_PRODUCT' &&
        r.ProvisionedProductName === name &&
        r.Status !== 'FAILED' &&
        (r.CreatedTime?.getTime() ?? 0) >= since,
    );
    if (found?.RecordId) return found.RecordId;
    if (!NextPageToken) return undefined;
    PageToken = NextPageToken;
  }
  return undefined;
}

/** Whether the request's provisioned product is one this role can see. */
async function exists(client: ServiceCatalogClient, request: AccountRequest): Promise<boolean> {
  try {
    await client.send(new DescribeProvisionedProductCommand({ Name: provisionedProductName(request.account.name) }));
    return true;
  } catch (err) {
    if (isAny(err, 'ResourceNotFoundException')) return false;
    throw err;
  }
}

function notInServiceCatalog(request: AccountRequest, operation: 'move' | 'unmanage'): FactoryRejectedError {
  const name = provisionedProductName(request.account.name);
  const consequence =
    operation === 'move'
      ? 'so the bot cannot move it through Account Factory. Move it in the Control Tower console (or update its provisioned product there).'
      : 'so there is nothing for the bot to unmanage: Control Tower does not manage it through a provisioned product the bot launched. ' +
        'Check the account in the Control Tower console before it is closed.';
  return new FactoryRejectedError(
    `The provisioned product "${name}" of account "${request.account.name}"${request.accountId ? ` (${request.accountId})` : ''} was not found in ` +
      `AWS Service Catalog (the bot sees only the provisioned products it launched), ${consequence}`,
  );
}

/** Error codes the SDK gives up on after its own retries; the factory is busy, not broken. */
const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'ThrottledException',
  'SlowDown',
]);

/** How explainFailure words a busy resource and a refused request (what precedes Service Catalog's own message). */
export interface FailureWording {
  busy: string;
  refused: string;
}

const ACCOUNT_FACTORY_WORDING: FailureWording = {
  busy: 'Control Tower is busy with other account operations (it runs at most 5 at once)',
  refused: 'Account Factory refused the request',
};

/**
 * Turns what Service Catalog said into what the Provisioner acts on; anything else means "try again
 * later". `notFound` explains a missing resource that the operation itself did not explain;
 * `wording` names what is busy or refused (Account Factory unless said otherwise).
 */
export function explainFailure(
  err: unknown,
  notFound: (message: string) => FactoryRejectedError,
  wording: FailureWording = ACCOUNT_FACTORY_WORDING,
): unknown {
  if (err instanceof FactoryBusyError || err instanceof FactoryRejectedError) return err;
  const message = (err as Error | undefined)?.message ?? '';
  if (isAny(err, 'ResourceInUseException')) return new FactoryBusyError(`${wording.busy}: ${message}`);
  if (isThrottling(err)) return new FactoryBusyError(`AWS Service Catalog is throttling requests: ${message}`);
  if (isAny(err, 'InvalidParametersException')) return new FactoryRejectedError(`${wording.refused}: ${message}`);
  if (isAny(err, 'ResourceNotFoundException')) return notFound(message);
  return err;
}

export const isAny = (err: unknown, ...names: string[]): boolean => names.includes((err as { name?: string })?.name ?? '');

export function isThrottling(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number }; $retryable?: { throttling?: boolean } };
  return THROTTLING.has(e?.name ?? '') || e?.$metadata?.httpStatusCode === 429 || e?.$retryable?.throttling === true;
}
