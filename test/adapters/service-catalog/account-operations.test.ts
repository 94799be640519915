import { ServiceCatalogAccountFactory } from '../../../app/adapters/service-catalog/account-factory';
import { FactoryBusyError, FactoryRejectedError } from '../../../app/core/errors';
import type { AccountRequest } from '../../../app/core/request/account-request';
import {
  CURRENT_VERSION,
  PATH_ID,
  PRODUCT_ID,
  ServiceCatalogApi,
  serviceCatalogClient,
  silentLogger,
} from '../../support/service-catalog-wire';
import { strictNock } from '../../support/wire';

/*
 * Moving and unmanaging a vended account through Account Factory, at the wire: Service Catalog
 * speaks AWS JSON 1.1 (POST / with `x-amz-target: AWS242ServiceCatalogService.<Operation>`),
 * errors are HTTP 400 with {"__type": "<Code>", "message": "..."}; the answers are shaped like the
 * Service Catalog API reference's (UpdateProvisionedProduct, TerminateProvisionedProduct, DescribeRecord).
 * The same conventions as account-factory.test.ts, whose launch tests these complete.
 */
const REQUEST_ID = '01JNKM0VE5T9R4M6P0W1YZ2AB3';

/** The Service Catalog endpoint, with the documented answers for the Account Factory product. */
class AccountFactoryApi extends ServiceCatalogApi {
  /** The documented answers for the Account Factory product (DescribeProduct, ListLaunchPaths). */
  accountFactory(versionId = CURRENT_VERSION): this {
    return this.answer('DescribeProduct', {
      ProductViewSummary: {
        Id: 'prodview-q2w3e4r5t6y7u',
        ProductId: PRODUCT_ID,
        Name: 'AWS Control Tower Account Factory',
        Owner: 'AWS Control Tower',
        Type: 'CLOUD_FORMATION_TEMPLATE',
        HasDefaultPath: false,
      },
      ProvisioningArtifacts: [
        { Id: versionId, Name: 'AWS Control Tower Account Factory Template', CreatedTime: 1_700_000_000, Guidance: 'DEFAULT' },
      ],
      Budgets: [],
      LaunchPaths: [{ Id: PATH_ID, Name: 'AWS Control Tower Account Factory Portfolio' }],
    }).answer('ListLaunchPaths', {
      LaunchPathSummaries: [
        { Id: PATH_ID, Name: 'AWS Control Tower Account Factory Portfolio', ConstraintSummaries: [{ Type: 'LAUNCH' }], Tags: [] },
      ],
    });
  }
}

const recordDetail = (recordId: string, status: string, recordType: string, extra: object = {}) => ({
  RecordId: recordId,
  ProvisionedProductName: 'Team-A-prod',
  Status: status,
  CreatedTime: 1_772_442_000,
  UpdatedTime: 1_772_442_060,
  ProvisionedProductType: 'CFN_STACK',
  RecordType: recordType,
  ProvisionedProductId: 'pp-4rnb7ut2wq6ko',
  ProductId: PRODUCT_ID,
  ProvisioningArtifactId: CURRENT_VERSION,
  PathId: PATH_ID,
  RecordErrors: [],
  RecordTags: [],
  ...extra,
});

const provisionedProduct = {
  ProvisionedProductDetail: {
    Name: 'Team-A-prod',
    Arn: 'arn:aws:servicecatalog:eu-west-1:111122223333:stack/Team-A-prod/pp-4rnb7ut2wq6ko',
    Type: 'CFN_STACK',
    Id: 'pp-4rnb7ut2wq6ko',
    Status: 'AVAILABLE',
    CreatedTime: 1_772_442_000,
    IdempotencyToken: '01JNK3Q8X7B2V5T9R4M6P0W1YZ',
    LastRecordId: 'rec-f5zx3ngbqm2ou',
    LastProvisioningRecordId: 'rec-f5zx3ngbqm2ou',
    ProductId: PRODUCT_ID,
    ProvisioningArtifactId: CURRENT_VERSION,
  },
  CloudWatchDashboards: [],
};

/** A request about the vended account 444455556666 ("Team A / prod"): a move to Sandbox, or a close. */
function lifeRequest(kind: 'move-account' | 'close-account', extra: Partial<AccountRequest> = {}): AccountRequest {
  const at = '2026-03-20T09:00:00.000Z';
  return {
    id: REQUEST_ID,
    kind,
    version: 3,
    status: 'PROVISIONING',
    statusSince: at,
    createdAt: at,
    updatedAt: at,
    expiresAt: '2026-03-27T09:00:00.000Z',
    requester: { id: 'ana@example.com', email: 'ana@example.com', firstName: 'Ana', lastName: 'Silva' },
    accountId: '444455556666',
    account: {
      name: 'Team A / prod',
      email: 'aws+team-a-prod@example.com',
      type: 'Production',
      ou: kind === 'move-account' ? { name: 'Sandbox', id: 'ou-abcd-22222222' } : { name: 'Production', id: 'ou-abcd-11111111' },
      sso: { email: 'ana@example.com', firstName: 'Ana', lastName: 'Silva' },
    },
    ...(kind === 'move-account' ? { move: { fromOu: { name: 'Production', id: 'ou-abcd-11111111' } } } : {}),
    audit: [],
    ...extra,
  };
}

let api: AccountFactoryApi;
const factory = (config: { maxAttempts?: number } = {}) =>
  new ServiceCatalogAccountFactory({ client: serviceCatalogClient(config), log: silentLogger });

beforeEach(() => {
  api = new AccountFactoryApi();
});
strictNock();

describe('ServiceCatalogAccountFactory.move', () => {
  it("updates the account's provisioned product with the new OU label, the request id as token and all six parameters", async () => {
    api.accountFactory().answer('UpdateProvisionedProduct', {
      RecordDetail: recordDetail('rec-move3kq8zt2w', 'CREATED', 'UPDATE_PROVISIONED_PRODUCT'),
    });

    await expect(factory().move(lifeRequest('move-account'))).resolves.toEqual({ recordId: 'rec-move3kq8zt2w' });

    expect(api.operations()).toEqual(['DescribeProduct', 'ListLaunchPaths', 'UpdateProvisionedProduct']);
    expect(api.sent('UpdateProvisionedProduct')).toEqual([
      {
        ProvisionedProductName: 'Team-A-prod', // the name its launch had
        ProductId: PRODUCT_ID,
        ProvisioningArtifactId: CURRENT_VERSION,
        PathId: PATH_ID,
        UpdateToken: REQUEST_ID, // a repeat of the move is the same update
        ProvisioningParameters: [
          { Key: 'AccountName', Value: 'Team A / prod' },
          { Key: 'AccountEmail', Value: 'aws+team-a-prod@example.com' },
          { Key: 'ManagedOrganizationalUnit', Value: 'Sandbox (ou-abcd-22222222)' },
          { Key: 'SSOUserEmail', Value: 'ana@example.com' },
          { Key: 'SSOUserFirstName', Value: 'Ana' },
          { Key: 'SSOUserLastName', Value: 'Silva' },
        ],
      },
    ]);
  });

  it('looks again when the cached version was retired, and moves with the current one', async () => {
    const sc = factory();
    api
      .accountFactory()
      .answer('UpdateProvisionedProduct', { RecordDetail: recordDetail('rec-1', 'CREATED', 'UPDATE_PROVISIONED_PRODUCT') });
    await sc.move(lifeRequest('move-account'));

    api
      .fail('UpdateProvisionedProduct', 'ResourceNotFoundException', `Provisioning artifact ${CURRENT_VERSION} not found.`)
      .answer('DescribeProvisionedProduct', provisionedProduct) // the provisioned product is there: the version is what is missing
      .accountFactory('pa-new8k2m4n6p8q')
      .answer('UpdateProvisionedProduct', { RecordDetail: recordDetail('rec-2', 'CREATED', 'UPDATE_PROVISIONED_PRODUCT') });

    await expect(sc.move({ ...lifeRequest('move-account'), id: 'req-second-move' })).resolves.toEqual({ recordId: 'rec-2' });
    expect(api.sent('UpdateProvisionedProduct').map((b) => [b.ProvisioningArtifactId, b.UpdateToken])).toEqual([
      [CURRENT_VERSION, REQUEST_ID],
      [CURRENT_VERSION, 'req-second-move'],
      ['pa-new8k2m4n6p8q', 'req-second-move'],
    ]);
  });

  it('an account whose provisioned product Service Catalog does not have cannot be moved through Account Factory, and says so', async () => {
    api
      .accountFactory()
      .fail('UpdateProvisionedProduct', 'ResourceNotFoundException', 'Provisioned product Team-A-prod not found.')
      .fail('DescribeProvisionedProduct', 'ResourceNotFoundException', 'Provisioned product not found.');

    const err = await factory()
      .move(lifeRequest('move-account'))
      .catch((e) => e);

    expect(err).toBeInstanceOf(FactoryRejectedError);
    expect(err.message).toMatch(
      /provisioned product "Team-A-prod" of account "Team A \/ prod" \(444455556666\) was not found in AWS Service Catalog.*cannot move it through Account Factory/,
    );
    expect(api.sent('DescribeProvisionedProduct')).toEqual([{ Name: 'Team-A-prod' }]);
  });

  it('a missing path, with the provisioned product there, is the role not associated with the portfolio (as for a launch)', async () => {
    api
      .accountFactory()
      .fail('UpdateProvisionedProduct', 'ResourceNotFoundException', `Path ${PATH_ID} not found.`)
      .answer('DescribeProvisionedProduct', provisionedProduct);

    const err = await factory()
      .move(lifeRequest('move-account'))
      .catch((e) => e);

    expect(err).toBeInstanceOf(FactoryRejectedError);
    expect(err.message).toMatch(/associate the bot's IAM role with the Account Factory portfolio/);
  });

  it('ResourceInUseException (Control Tower runs at most 5 account operations, or the product is under change) is FactoryBusyError', async () => {
    api
      .accountFactory()
      .fail(
        'UpdateProvisionedProduct',
        'ResourceInUseException',
        'AWS Control Tower is already running the maximum number of concurrent account operations.',
      );

    const err = await factory()
      .move(lifeRequest('move-account'))
      .catch((e) => e);

    expect(err).toBeInstanceOf(FactoryBusyError);
    expect(err.message).toMatch(/busy.*at most 5/);
  });

  it("throttling that outlasts the SDK's retries is FactoryBusyError", async () => {
    api
      .accountFactory()
      .fail('UpdateProvisionedProduct', 'ThrottlingException', 'Rate exceeded')
      .fail('UpdateProvisionedProduct', 'ThrottlingException', 'Rate exceeded');

    const err = await factory({ maxAttempts: 2 })
      .move(lifeRequest('move-account'))
      .catch((e) => e);

    expect(err).toBeInstanceOf(FactoryBusyError);
    expect(err.message).toMatch(/throttling.*Rate exceeded/);
  });

  it("InvalidParametersException is a refusal with the service's message", async () => {
    api
      .accountFactory()
      .fail(
        'UpdateProvisionedProduct',
        'InvalidParametersException',
        'The OU Sandbox (ou-abcd-22222222) is not registered with AWS Control Tower.',
      );

    const err = await factory()
      .move(lifeRequest('move-account'))
      .catch((e) => e);

    expect(err).toBeInstanceOf(FactoryRejectedError);
    expect(err.message).toBe(
      'Account Factory refused the request: The OU Sandbox (ou-abcd-22222222) is not registered with AWS Control Tower.',
    );
  });
});

describe('ServiceCatalogAccountFactory.unmanage', () => {
  it("terminates the account's provisioned product with the request id as token, not ignoring errors, and returns the record", async () => {
    api.answer('TerminateProvisionedProduct', {
      RecordDetail: recordDetail('rec-term7hq2mx4v', 'CREATED', 'TERMINATE_PROVISIONED_PRODUCT'),
    });

    await expect(factory().unmanage(lifeRequest('close-account'))).resolves.toEqual({ recordId: 'rec-term7hq2mx4v' });

    // No product lookup: a termination needs no version or path.
    expect(api.operations()).toEqual(['TerminateProvisionedProduct']);
    expect(api.sent('TerminateProvisionedProduct')).toEqual([
      { ProvisionedProductName: 'Team-A-prod', TerminateToken: REQUEST_ID, IgnoreErrors: false },
    ]);
  });

  it('an account with no provisioned product in Service Catalog is a refusal saying there is nothing to unmanage', async () => {
    api
      .fail('TerminateProvisionedProduct', 'ResourceNotFoundException', 'Provisioned product Team-A-prod not found.')
      // This role's records: a termination of the same name before the request was made, and a failed one since (it left the product in place).
      .answer('ListRecordHistory', {
        RecordDetails: [
          recordDetail('rec-old5kq2mx4v', 'SUCCEEDED', 'TERMINATE_PROVISIONED_PRODUCT'),
          recordDetail('rec-fail7hq2mx4', 'FAILED', 'TERMINATE_PROVISIONED_PRODUCT', { CreatedTime: 1_774_000_000 }),
          recordDetail('rec-f5zx3ngbqm2ou', 'SUCCEEDED', 'PROVISION_PRODUCT'),
        ],
      });

    const err = await factory()
      .unmanage(lifeRequest('close-account'))
      .catch((e) => e);

    expect(err).toBeInstanceOf(FactoryRejectedError);
    expect(err.message).toMatch(
      /"Team-A-prod" of account "Team A \/ prod" \(444455556666\) was not found in AWS Service Catalog.*nothing for the bot to unmanage/,
    );
  });

  it('a relaunch after a lost answer finds the termination it started: Service Catalog says "not found" once it has finished', async () => {
    api
      .fail('TerminateProvisionedProduct', 'ResourceNotFoundException', 'Provisioned product Team-A-prod not found.')
      .answer('ListRecordHistory', {
        RecordDetails: [recordDetail('rec-other2kq8zt', 'SUCCEEDED', 'PROVISION_PRODUCT', { ProvisionedProductName: 'Team-B-dev' })],
        NextPageToken: 'page-2',
      })
      .answer('ListRecordHistory', {
        RecordDetails: [recordDetail('rec-term7hq2mx4v', 'SUCCEEDED', 'TERMINATE_PROVISIONED_PRODUCT', { CreatedTime: 1_774_000_000 })],
      });

    await expect(factory().unmanage(lifeRequest('close-account'))).resolves.toEqual({ recordId: 'rec-term7hq2mx4v' });

    expect(api.sent('ListRecordHistory')).toEqual([
      { AccessLevelFilter: { Key: 'Role', Value: 'self' }, PageSize: 20 },
      { AccessLevelFilter: { Key: 'Role', Value: 'self' }, PageSize: 20, PageToken: 'page-2' },
    ]);
  });

  it('reads at most ten pages of records for a lost termination, then refuses as for an account with none', async () => {
    api.fail('TerminateProvisionedProduct', 'ResourceNotFoundException', 'Provisioned product Team-A-prod not found.');
    for (let page = 1; page <= 10; page++)
      api.answer('ListRecordHistory', {
        RecordDetails: [recordDetail(`rec-page${page}x2mx4v`, 'SUCCEEDED', 'PROVISION_PRODUCT', { ProvisionedProductName: 'Team-B-dev' })],
        NextPageToken: `page-${page + 1}`,
      });

    await expect(factory().unmanage(lifeRequest('close-account'))).rejects.toThrow(/nothing for the bot to unmanage/);
    expect(api.sent('ListRecordHistory')).toHaveLength(10);
  });

  it('ResourceInUseException is FactoryBusyError', async () => {
    api.fail('TerminateProvisionedProduct', 'ResourceInUseException', 'The provisioned product is under change.');

    await expect(factory().unmanage(lifeRequest('close-account'))).rejects.toBeInstanceOf(FactoryBusyError);
  });

  it("throttling that outlasts the SDK's retries is FactoryBusyError", async () => {
    api
      .fail('TerminateProvisionedProduct', 'ThrottlingException', 'Rate exceeded')
      .fail('TerminateProvisionedProduct', 'ThrottlingException', 'Rate exceeded');

    const err = await factory({ maxAttempts: 2 })
      .unmanage(lifeRequest('close-account'))
      .catch((e) => e);

    expect(err).toBeInstanceOf(FactoryBusyError);
    expect(api.sent('TerminateProvisionedProduct')).toHaveLength(2);
  });

  it('an answer without a record id is an error, not a record', async () => {
    api.answer('TerminateProvisionedProduct', {});

    const err = await factory()
      .unmanage(lifeRequest('close-account'))
      .catch((e) => e);

    expect(err).not.toBeInstanceOf(FactoryRejectedError);
    expect(err.message).toMatch(/TerminateProvisionedProduct but returned no record id/);
  });
});

describe('ServiceCatalogAccountFactory.describe of move and terminate records', () => {
  it('a SUCCEEDED terminate record (no outputs) has succeeded, with no account id', async () => {
    api.answer('DescribeRecord', {
      RecordDetail: recordDetail('rec-term7hq2mx4v', 'SUCCEEDED', 'TERMINATE_PROVISIONED_PRODUCT'),
      RecordOutputs: [],
    });

    await expect(factory().describe('rec-term7hq2mx4v')).resolves.toEqual({ state: 'SUCCEEDED' });
    expect(api.sent('DescribeRecord')).toEqual([{ Id: 'rec-term7hq2mx4v' }]);
  });

  it('a FAILED update record gives its reasons', async () => {
    api.answer('DescribeRecord', {
      RecordDetail: recordDetail('rec-move3kq8zt2w', 'FAILED', 'UPDATE_PROVISIONED_PRODUCT', {
        RecordErrors: [{ Code: 'ProvisioningFailed', Description: 'The destination OU is not enrolled in AWS Control Tower.' }],
      }),
      RecordOutputs: [],
    });

    await expect(factory().describe('rec-move3kq8zt2w')).resolves.toEqual({
      state: 'FAILED',
      message: 'The destination OU is not enrolled in AWS Control Tower.',
    });
  });
});
