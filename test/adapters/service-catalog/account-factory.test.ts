import nock from 'nock';
import { provisionedProductName, ServiceCatalogAccountFactory } from '../../../app/adapters/service-catalog/account-factory';
import { FactoryBusyError, FactoryRejectedError } from '../../../app/core/errors';
import type { AccountRequest } from '../../../app/core/request/account-request';
import {
  CURRENT_VERSION,
  PATH_ID,
  PRODUCT_ID,
  SERVICE_CATALOG_ENDPOINT,
  SERVICE_CATALOG_TARGET,
  ServiceCatalogApi,
  serviceCatalogClient,
  silentLogger,
} from '../../support/service-catalog-wire';
import { strictNock } from '../../support/wire';

/*
 * Service Catalog speaks AWS JSON 1.1: every call is POST / with `x-amz-target:
 * AWS242ServiceCatalogService.<Operation>` and a JSON body; errors are HTTP 400 with
 * {"__type": "<Code>", "message": "..."}. These tests stand in for the service at that wire level.
 */

/** The Service Catalog endpoint, with the documented answers for the Account Factory product at hand. */
class AccountFactoryApi extends ServiceCatalogApi {
  /** The documented answers for the Account Factory product, found by name or id. */
  accountFactory(versions = productVersions()): this {
    return this.answer('DescribeProduct', describeProduct(versions)).answer('ListLaunchPaths', launchPaths());
  }
}

const productVersions = () => [
  {
    Id: 'pa-old5fz2n3lq6w',
    Name: 'AWS Control Tower Account Factory Template',
    Description: 'AWS Control Tower Account Factory Template',
    CreatedTime: 1_650_000_000,
    Guidance: 'DEPRECATED',
  },
  {
    Id: CURRENT_VERSION,
    Name: 'AWS Control Tower Account Factory Template',
    Description: 'AWS Control Tower Account Factory Template',
    CreatedTime: 1_700_000_000,
    Guidance: 'DEFAULT',
  },
];

const describeProduct = (versions: object[]) => ({
  ProductViewSummary: {
    Id: 'prodview-q2w3e4r5t6y7u',
    ProductId: PRODUCT_ID,
    Name: 'AWS Control Tower Account Factory',
    Owner: 'AWS Control Tower',
    ShortDescription: 'AWS Control Tower Account Factory',
    Type: 'CLOUD_FORMATION_TEMPLATE',
    Distributor: '',
    HasDefaultPath: false,
    SupportEmail: '',
    SupportDescription: '',
    SupportUrl: '',
  },
  ProvisioningArtifacts: versions,
  Budgets: [],
  LaunchPaths: [{ Id: PATH_ID, Name: 'AWS Control Tower Account Factory Portfolio' }],
});

const launchPaths = (
  summaries = [
    {
      Id: PATH_ID,
      Name: 'AWS Control Tower Account Factory Portfolio',
      ConstraintSummaries: [{ Type: 'LAUNCH', Description: '' }],
      Tags: [],
    },
  ],
) => ({
  LaunchPathSummaries: summaries,
});

const recordDetail = (recordId: string, status: string, extra: object = {}) => ({
  RecordId: recordId,
  ProvisionedProductName: 'Team-A-prod',
  Status: status,
  CreatedTime: 1_772_442_000,
  UpdatedTime: 1_772_442_060,
  ProvisionedProductType: 'CFN_STACK',
  RecordType: 'PROVISION_PRODUCT',
  ProvisionedProductId: 'pp-4rnb7ut2wq6ko',
  ProductId: PRODUCT_ID,
  ProvisioningArtifactId: CURRENT_VERSION,
  PathId: PATH_ID,
  RecordErrors: [],
  RecordTags: [],
  ...extra,
});

function accountRequest(account: Partial<AccountRequest['account']> = {}): AccountRequest {
  const at = '2026-03-02T09:00:00.000Z';
  return {
    id: '01JNK3Q8X7B2V5T9R4M6P0W1YZ',
    kind: 'new-account',
    version: 3,
    status: 'PROVISIONING',
    statusSince: at,
    createdAt: at,
    updatedAt: at,
    expiresAt: '2026-03-09T09:00:00.000Z',
    requester: { id: 'ana@example.com', email: 'ana@example.com', firstName: 'Ana', lastName: 'Silva' },
    account: {
      name: 'Team A / prod',
      email: 'aws+team-a-prod@example.com',
      type: 'Production',
      ou: { name: 'Production', id: 'ou-abcd-11111111' },
      sso: { email: 'ana@example.com', firstName: 'Ana', lastName: 'Silva' },
      ...account,
    },
    audit: [],
  };
}

let api: AccountFactoryApi;

beforeEach(() => {
  api = new AccountFactoryApi();
});
strictNock();

describe('ServiceCatalogAccountFactory.provision', () => {
  it('finds Account Factory by name, launches its current version through the portfolio, and returns the record id', async () => {
    api.accountFactory().answer('ProvisionProduct', { RecordDetail: recordDetail('rec-f5zx3ngbqm2ou', 'CREATED') });
    const factory = new ServiceCatalogAccountFactory({ client: serviceCatalogClient(), log: silentLogger });

    await expect(factory.provision(accountRequest())).resolves.toEqual({ recordId: 'rec-f5zx3ngbqm2ou' });

    expect(factory.kind).toBe('service-catalog');
    expect(api.operations()).toEqual(['DescribeProduct', 'ListLaunchPaths', 'ProvisionProduct']);
    expect(api.sent('DescribeProduct')).toEqual([{ Name: 'AWS Control Tower Account Factory' }]);
    expect(api.sent('ListLaunchPaths')).toEqual([{ ProductId: PRODUCT_ID }]);
    expect(api.sent('ProvisionProduct')).toEqual([
      {
        ProductId: PRODUCT_ID,
        ProvisioningArtifactId: CURRENT_VERSION, // the DEFAULT version, not the deprecated one
        PathId: PATH_ID,
        ProvisionedProductName: 'Team-A-prod',
        ProvisionToken: '01JNK3Q8X7B2V5T9R4M6P0W1YZ', // the request id: a relaunch is the same launch
        ProvisioningParameters: [
          { Key: 'AccountName', Value: 'Team A / prod' },
          { Key: 'AccountEmail', Value: 'aws+team-a-prod@example.com' },
          { Key: 'ManagedOrganizationalUnit', Value: 'Production (ou-abcd-11111111)' },
          { Key: 'SSOUserEmail', Value: 'ana@example.com' },
          { Key: 'SSOUserFirstName', Value: 'Ana' },
          { Key: 'SSOUserLastName', Value: 'Silva' },
        ],
      },
    ]);
  });

  it('finds the product by id when one is configured', async () => {
    api.accountFactory().answer('ProvisionProduct', { RecordDetail: recordDetail('rec-1', 'CREATED') });
    const factory = new ServiceCatalogAccountFactory({ client: serviceCatalogClient(), productId: PRODUCT_ID, log: silentLogger });

    await factory.provision(accountRequest());

    expect(api.sent('DescribeProduct')).toEqual([{ Id: PRODUCT_ID }]);
    expect(api.sent('ProvisionProduct')[0]).toMatchObject({
      ProductId: PRODUCT_ID,
      ProvisioningArtifactId: CURRENT_VERSION,
      PathId: PATH_ID,
    });
  });

  it('names the OU alone when its id is not known', async () => {
    api.accountFactory().answer('ProvisionProduct', { RecordDetail: recordDetail('rec-1', 'CREATED') });
    const factory = new ServiceCatalogAccountFactory({ client: serviceCatalogClient(), log: silentLogger });

    await factory.provision(accountRequest({ ou: { name: 'Sandbox' } }));

    expect(api.sent('ProvisionProduct')[0].ProvisioningParameters).toContainEqual({ Key: 'ManagedOrganizationalUnit', Value: 'Sandbox' });
  });

  it('looks the product up once and reuses it for later launches', async () => {
    api
      .accountFactory()
      .answer('ProvisionProduct', { RecordDetail: recordDetail('rec-1', 'CREATED') })
      .answer('ProvisionProduct', { RecordDetail: recordDetail('rec-2', 'CREATED') });
    const factory = new ServiceCatalogAccountFactory({ client: serviceCatalogClient(), log: silentLogger });

    await factory.provision(accountRequest());
    await factory.provision({ ...accountRequest({ name: 'Team B' }), id: 'req-b' });

    expect(api.operations()).toEqual(['DescribeProduct', 'ListLaunchPaths', 'ProvisionProduct', 'ProvisionProduct']);
  });

  it('looks again when the cached version was retired (a landing zone update) and launches the current one', async () => {
    api.accountFactory().answer('ProvisionProduct', { RecordDetail: recordDetail('rec-1', 'CREATED') });
    const factory = new ServiceCatalogAccountFactory({ client: serviceCatalogClient(), log: silentLogger });
    await factory.provision(accountRequest());

    const newer = { ...productVersions()[1], Id: 'pa-new8k2m4n6p8q', CreatedTime: 1_780_000_000 };
    api
      .fail('ProvisionProduct', 'ResourceNotFoundException', `Provisioning artifact ${CURRENT_VERSION} not found.`)
      .accountFactory([{ ...productVersions()[1], Guidance: 'DEPRECATED' }, newer])
      .answer('ProvisionProduct', { RecordDetail: recordDetail('rec-2', 'CREATED') });

    await expect(factory.provision({ ...accountRequest({ name: 'Team B' }), id: 'req-b' })).resolves.toEqual({ recordId: 'rec-2' });
    expect(api.sent('ProvisionProduct').map((b) => b.ProvisioningArtifactId)).toEqual([
      CURRENT_VERSION,
      CURRENT_VERSION,
      'pa-new8k2m4n6p8q',
    ]);
  });

  describe('a busy factory is retried later, not a failure', () => {
    it('ResourceInUseException (Control Tower runs at most 5 account operations) is FactoryBusyError', async () => {
      api
        .accountFactory()
        .fail(
          'ProvisionProduct',
          'ResourceInUseException',
          'AWS Control Tower is already running the maximum number of concurrent account operations.',
        );
      const factory = new ServiceCatalogAccountFactory({ client: serviceCatalogClient(), log: silentLogger });

      const err = await factory.provision(accountRequest()).catch((e) => e);

      expect(err).toBeInstanceOf(FactoryBusyError);
      expect(err.message).toMatch(/busy.*at most 5.*maximum number of concurrent account operations/);
    });

    it("throttling that outlasts the SDK's own retries is FactoryBusyError", async () => {
      api
        .accountFactory()
        .fail('ProvisionProduct', 'ThrottlingException', 'Rate exceeded')
        .fail('ProvisionProduct', 'ThrottlingException', 'Rate exceeded');
      const factory = new ServiceCatalogAccountFactory({ client: serviceCatalogClient({ maxAttempts: 2 }), log: silentLogger });

      const err = await factory.provision(accountRequest()).catch((e) => e);

      expect(err).toBeInstanceOf(FactoryBusyError);
      expect(err.message).toMatch(/throttling.*Rate exceeded/);
      expect(api.sent('ProvisionProduct')).toHaveLength(2); // the SDK retried once before giving up
    });
  });

  describe('a refusal fails the request with a reason people can act on', () => {
    it("InvalidParametersException carries the service's message", async () => {
      api
        .accountFactory()
        .fail(
          'ProvisionProduct',
          'InvalidParametersException',
          'The AccountEmail aws+team-a-prod@example.com is already used by another AWS account.',
        );
      const factory = new ServiceCatalogAccountFactory({ client: serviceCatalogClient(), log: silentLogger });

      const err = await factory.provision(accountRequest()).catch((e) => e);

      expect(err).toBeInstanceOf(FactoryRejectedError);
      expect(err.message).toBe(
        'Account Factory refused the request: The AccountEmail aws+team-a-prod@example.com is already used by another AWS account.',
      );
    });

    it("no launch path means the bot's role is not associated with the Account Factory portfolio", async () => {
      api.answer('DescribeProduct', describeProduct(productVersions())).answer('ListLaunchPaths', launchPaths([]));
      const factory = new ServiceCatalogAccountFactory({ client: serviceCatalogClient(), log: silentLogger });

      const err = await factory.provision(accountRequest()).catch((e) => e);

      expect(err).toBeInstanceOf(FactoryRejectedError);
      expect(err.message).toMatch(/associate the bot's IAM role with the Account Factory portfolio/);
      expect(api.sent('ProvisionProduct')).toEqual([]);
    });

    it('a launch path that cannot be found says the same', async () => {
      api
        .answer('DescribeProduct', describeProduct(productVersions()))
        .fail('ListLaunchPaths', 'ResourceNotFoundException', 'Product not found.');
      const factory = new ServiceCatalogAccountFactory({ client: serviceCatalogClient(), log: silentLogger });

      const err = await factory.provision(accountRequest()).catch((e) => e);

      expect(err).toBeInstanceOf(FactoryRejectedError);
      expect(err.message).toMatch(/associate the bot's IAM role with the Account Factory portfolio/);
    });

    it('a launch path that disappears at launch says the same', async () => {
      api.accountFactory().fail('ProvisionProduct', 'ResourceNotFoundException', `Path ${PATH_ID} not found.`);
      const factory = new ServiceCatalogAccountFactory({ client: serviceCatalogClient(), log: silentLogger });

      const err = await factory.provision(accountRequest()).catch((e) => e);

      expect(err).toBeInstanceOf(FactoryRejectedError);
      expect(err.message).toMatch(new RegExp(`Path ${PATH_ID} not found.*associate the bot's IAM role with the Account Factory portfolio`));
    });

    it('a refusal of a launch with a cached product is checked against a fresh lookup once, then reported', async () => {
      api.accountFactory().answer('ProvisionProduct', { RecordDetail: recordDetail('rec-1', 'CREATED') });
      const factory = new ServiceCatalogAccountFactory({ client: serviceCatalogClient(), log: silentLogger });
      await factory.provision(accountRequest());

      api.fail('ProvisionProduct', 'InvalidParametersException', 'Invalid AccountEmail.').accountFactory();
      const err = await factory.provision({ ...accountRequest({ email: 'not-an-email' }), id: 'req-b' }).catch((e) => e);

      expect(err).toBeInstanceOf(FactoryRejectedError);
      expect(err.message).toBe('Account Factory refused the request: Invalid AccountEmail.');
      expect(api.sent('ProvisionProduct')).toHaveLength(2); // the product had not changed: no second attempt
    });

    it.each([
      [{}, '"AWS Control Tower Account Factory"', { Name: 'AWS Control Tower Account Factory' }],
      [{ productName: 'Our Account Factory' }, '"Our Account Factory"', { Name: 'Our Account Factory' }],
      [{ productId: 'prod-doesnotexist1' }, 'id prod-doesnotexist1', { Id: 'prod-doesnotexist1' }],
    ])('a product that is not found is named (%p)', async (options, named, sent) => {
      api.fail('DescribeProduct', 'ResourceNotFoundException', 'Product not found.');
      const factory = new ServiceCatalogAccountFactory({ client: serviceCatalogClient(), log: silentLogger, ...options });

      const err = await factory.provision(accountRequest()).catch((e) => e);

      expect(err).toBeInstanceOf(FactoryRejectedError);
      expect(err.message).toContain(`The Account Factory product ${named} was not found in AWS Service Catalog`);
      expect(api.sent('DescribeProduct')).toEqual([sent]);
    });

    it('a product with no launchable version says so', async () => {
      api.answer('DescribeProduct', describeProduct([{ ...productVersions()[0] }]));
      const factory = new ServiceCatalogAccountFactory({ client: serviceCatalogClient(), log: silentLogger });

      const err = await factory.provision(accountRequest()).catch((e) => e);

      expect(err).toBeInstanceOf(FactoryRejectedError);
      expect(err.message).toMatch(/has no active version/);
    });

    it('a failed lookup is not cached: the next launch looks again', async () => {
      api.fail('DescribeProduct', 'ResourceNotFoundException', 'Product not found.');
      const factory = new ServiceCatalogAccountFactory({ client: serviceCatalogClient(), log: silentLogger });
      await expect(factory.provision(accountRequest())).rejects.toBeInstanceOf(FactoryRejectedError);

      api.accountFactory().answer('ProvisionProduct', { RecordDetail: recordDetail('rec-1', 'CREATED') });
      await expect(factory.provision(accountRequest())).resolves.toEqual({ recordId: 'rec-1' });
    });
  });

  describe('a provisioned product that already has the name', () => {
    it("is this request's own earlier launch (its answer was lost): the launch follows its record", async () => {
      api
        .accountFactory()
        .fail('ProvisionProduct', 'DuplicateResourceException', 'A provisioned product with the name Team-A-prod already exists.')
        .answer('DescribeProvisionedProduct', {
          ProvisionedProductDetail: {
            Name: 'Team-A-prod',
            Arn: 'arn:aws:servicecatalog:eu-west-1:111122223333:stack/Team-A-prod/pp-4rnb7ut2wq6ko',
            Type: 'CFN_STACK',
            Id: 'pp-4rnb7ut2wq6ko',
            Status: 'UNDER_CHANGE',
            CreatedTime: 1_772_442_000,
            IdempotencyToken: '01JNK3Q8X7B2V5T9R4M6P0W1YZ',
            LastRecordId: 'rec-f5zx3ngbqm2ou',
            LastProvisioningRecordId: 'rec-f5zx3ngbqm2ou',
            ProductId: PRODUCT_ID,
            ProvisioningArtifactId: CURRENT_VERSION,
          },
          CloudWatchDashboards: [],
        });
      const factory = new ServiceCatalogAccountFactory({ client: serviceCatalogClient(), log: silentLogger });

      await expect(factory.provision(accountRequest())).resolves.toEqual({ recordId: 'rec-f5zx3ngbqm2ou' });
      expect(api.sent('DescribeProvisionedProduct')).toEqual([{ Name: 'Team-A-prod' }]);
    });

    it("is this request's failed first attempt: a retry updates it with the attempt's own token and follows the new record", async () => {
      const failed = {
        Name: 'Team-A-prod',
        Id: 'pp-4rnb7ut2wq6ko',
        Type: 'CFN_STACK',
        Status: 'ERROR',
        StatusMessage: 'AccountEmail is already used by another account',
        IdempotencyToken: '01JNK3Q8X7B2V5T9R4M6P0W1YZ',
        LastRecordId: 'rec-failed',
        LastProvisioningRecordId: 'rec-failed',
        ProductId: PRODUCT_ID,
        ProvisioningArtifactId: CURRENT_VERSION,
      };
      api
        .accountFactory()
        .fail('ProvisionProduct', 'DuplicateResourceException', 'A provisioned product with the name Team-A-prod already exists.')
        .answer('DescribeProvisionedProduct', { ProvisionedProductDetail: failed, CloudWatchDashboards: [] })
        .answer('UpdateProvisionedProduct', {
          RecordDetail: recordDetail('rec-retry', 'CREATED', { RecordType: 'UPDATE_PROVISIONED_PRODUCT' }),
        });
      const factory = new ServiceCatalogAccountFactory({ client: serviceCatalogClient(), log: silentLogger });
      const retried = { ...accountRequest(), retries: 1 };

      await expect(factory.provision(retried)).resolves.toEqual({ recordId: 'rec-retry' });
      expect(api.sent('ProvisionProduct')[0]).toMatchObject({ ProvisionToken: '01JNK3Q8X7B2V5T9R4M6P0W1YZ-attempt-2' });
      expect(api.sent('UpdateProvisionedProduct')).toEqual([
        {
          ProvisionedProductName: 'Team-A-prod',
          ProductId: PRODUCT_ID,
          ProvisioningArtifactId: CURRENT_VERSION,
          PathId: PATH_ID,
          UpdateToken: '01JNK3Q8X7B2V5T9R4M6P0W1YZ-attempt-2',
          ProvisioningParameters: expect.arrayContaining([{ Key: 'AccountEmail', Value: 'aws+team-a-prod@example.com' }]),
        },
      ]);
    });

    it('is never updated on a first attempt: a product with an older token of the same id is not this launch', async () => {
      api
        .accountFactory()
        .fail('ProvisionProduct', 'DuplicateResourceException', 'A provisioned product with the name Team-A-prod already exists.')
        .answer('DescribeProvisionedProduct', {
          ProvisionedProductDetail: { Name: 'Team-A-prod', Status: 'ERROR', IdempotencyToken: '01JNK3Q8X7B2V5T9R4M6P0W1YZ-attempt-3' },
        });
      const factory = new ServiceCatalogAccountFactory({ client: serviceCatalogClient(), log: silentLogger });

      await expect(factory.provision(accountRequest())).rejects.toBeInstanceOf(FactoryRejectedError);
      expect(api.operations()).not.toContain('UpdateProvisionedProduct');
    });

    it('launched by another request is a refusal that names the clash', async () => {
      api
        .accountFactory()
        .fail('ProvisionProduct', 'DuplicateResourceException', 'A provisioned product with the name Team-A-prod already exists.')
        .answer('DescribeProvisionedProduct', {
          ProvisionedProductDetail: {
            Name: 'Team-A-prod',
            Id: 'pp-other',
            Status: 'AVAILABLE',
            IdempotencyToken: 'someone-else',
            LastRecordId: 'rec-other',
            LastProvisioningRecordId: 'rec-other',
          },
        });
      const factory = new ServiceCatalogAccountFactory({ client: serviceCatalogClient(), log: silentLogger });

      const err = await factory.provision(accountRequest()).catch((e) => e);

      expect(err).toBeInstanceOf(FactoryRejectedError);
      expect(err.message).toMatch(/provisioned product named "Team-A-prod" already exists and was not launched by this request/);
    });
  });

  it('any other failure (network, outage) propagates unchanged, so the Provisioner retries later', async () => {
    api.accountFactory();
    nock(SERVICE_CATALOG_ENDPOINT)
      .post('/')
      .matchHeader('x-amz-target', `${SERVICE_CATALOG_TARGET}.ProvisionProduct`)
      .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    const factory = new ServiceCatalogAccountFactory({ client: serviceCatalogClient(), log: silentLogger });

    const err = await factory.provision(accountRequest()).catch((e) => e);

    expect(err).not.toBeInstanceOf(FactoryBusyError);
    expect(err).not.toBeInstanceOf(FactoryRejectedError);
    expect(err.message).toMatch(/socket hang up/);
  });
});

describe('ServiceCatalogAccountFactory.describe', () => {
  it.each(['CREATED', 'IN_PROGRESS', 'IN_PROGRESS_IN_ERROR'])('a %s record is still in progress', async (status) => {
    api.answer('DescribeRecord', { RecordDetail: recordDetail('rec-1', status), RecordOutputs: [] });
    const factory = new ServiceCatalogAccountFactory({ client: serviceCatalogClient(), log: silentLogger });

    await expect(factory.describe('rec-1')).resolves.toEqual({ state: 'IN_PROGRESS' });
    expect(api.sent('DescribeRecord')).toEqual([{ Id: 'rec-1' }]);
  });

  it('a SUCCEEDED record gives the new account id from the AccountId output', async () => {
    api.answer('DescribeRecord', {
      RecordDetail: recordDetail('rec-1', 'SUCCEEDED'),
      RecordOutputs: [
        { OutputKey: 'AccountEmail', OutputValue: 'aws+team-a-prod@example.com', Description: 'The account email' },
        { OutputKey: 'AccountId', OutputValue: '444455556666', Description: 'The account id' },
        { OutputKey: 'SSOUserEmail', OutputValue: 'ana@example.com', Description: 'The SSO user email' },
        { OutputKey: 'SSOUserPortal', OutputValue: 'https://d-1234567890.awsapps.com/start', Description: 'The SSO user portal' },
      ],
    });
    const factory = new ServiceCatalogAccountFactory({ client: serviceCatalogClient(), log: silentLogger });

    await expect(factory.describe('rec-1')).resolves.toEqual({ state: 'SUCCEEDED', accountId: '444455556666' });
  });

  it('a FAILED record gives the reasons from its RecordErrors', async () => {
    api.answer('DescribeRecord', {
      RecordDetail: recordDetail('rec-1', 'FAILED', {
        RecordErrors: [
          {
            Code: 'ProvisioningFailed',
            Description: 'AWS Control Tower cannot create an account because the email address is already in use.',
          },
          { Code: 'ProvisioningFailed', Description: 'The account was not enrolled.' },
        ],
      }),
      RecordOutputs: [],
    });
    const factory = new ServiceCatalogAccountFactory({ client: serviceCatalogClient(), log: silentLogger });

    await expect(factory.describe('rec-1')).resolves.toEqual({
      state: 'FAILED',
      message: 'AWS Control Tower cannot create an account because the email address is already in use.; The account was not enrolled.',
    });
  });

  it('a FAILED record without errors still says what happened', async () => {
    api.answer('DescribeRecord', { RecordDetail: recordDetail('rec-1', 'FAILED'), RecordOutputs: [] });
    const factory = new ServiceCatalogAccountFactory({ client: serviceCatalogClient(), log: silentLogger });

    await expect(factory.describe('rec-1')).resolves.toEqual({
      state: 'FAILED',
      message: 'Account Factory reported a failure without a reason (record rec-1).',
    });
  });
});

describe('standard SDK settings', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('with no client given, AWS_ENDPOINT_URL_SERVICE_CATALOG, AWS_REGION and the credentials chain apply', async () => {
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SERVICE_CATALOG: SERVICE_CATALOG_ENDPOINT,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    });
    delete process.env.AWS_PROFILE;
    api.answer('DescribeRecord', { RecordDetail: recordDetail('rec-1', 'IN_PROGRESS'), RecordOutputs: [] });
    const factory = new ServiceCatalogAccountFactory({ log: silentLogger });

    await expect(factory.describe('rec-1')).resolves.toEqual({ state: 'IN_PROGRESS' });
    expect(api.sent('DescribeRecord')).toEqual([{ Id: 'rec-1' }]);
  });
});

describe('provisionedProductName', () => {
  const VALID = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,127}$/;

  it.each([
    ['Team A / prod', 'Team-A-prod'],
    ['payments-prod', 'payments-prod'],
    ['Café Équipe', 'Cafe-Equipe'],
    ['  --data.lake v2--  ', 'data.lake-v2'],
  ])('%p becomes %p', (accountName, expected) => {
    expect(provisionedProductName(accountName)).toBe(expected);
  });

  it.each(['', '   ', '///', '日本チーム', '🚀🚀', 'x'.repeat(300)])('%p still gives a valid, stable name', (accountName) => {
    const name = provisionedProductName(accountName);
    expect(name).toMatch(VALID);
    expect(provisionedProductName(accountName)).toBe(name);
  });

  it('different unusable names do not share one fallback', () => {
    expect(provisionedProductName('日本チーム')).not.toBe(provisionedProductName('🚀🚀'));
  });
});
