import { STSClient } from '@aws-sdk/client-sts';
import nock from 'nock';
import { ServiceCatalogProductFactory } from '../../../app/adapters/service-catalog/product-factory';
import { FactoryBusyError, FactoryRejectedError } from '../../../app/core/errors';
import type { AccountRequest, ProductLaunch } from '../../../app/core/request/account-request';
import {
  BOT_CREDENTIALS,
  SERVICE_CATALOG_ENDPOINT,
  ServiceCatalogApi,
  serviceCatalogClient,
  silentLogger,
} from '../../support/service-catalog-wire';
import { strictNock } from '../../support/wire';

/*
 * Service Catalog speaks AWS JSON 1.1 (POST / with `x-amz-target: AWS242ServiceCatalogService.<Operation>`,
 * errors HTTP 400 {"__type", "message"}); STS speaks the query protocol (a form-encoded POST,
 * an XML answer). These tests stand in for both at that wire level, with the documented shapes.
 */
const STS_ENDPOINT = 'https://sts.test';
const BOT_KEY = BOT_CREDENTIALS.accessKeyId;
const ASSUMED_KEY = 'ASIAIOSFODNN7EXAMPLE';
const SESSION_TOKEN = 'FwoGZXIvYXdzEXAMPLETOKEN//////////wEaDExampleSessionToken';
const MEMBER = '444455556666';

const sts = () =>
  new STSClient({
    region: 'eu-west-1',
    endpoint: STS_ENDPOINT,
    credentials: BOT_CREDENTIALS,
    maxAttempts: 1,
  });

/** The Service Catalog endpoint, with the catalog of launchable products at hand. */
class ProductCatalogApi extends ServiceCatalogApi {
  /** One launchable product (the VPC), as the catalog finds it. */
  vpcCatalog(): this {
    return this.answer('SearchProductsAsAdmin', { ProductViewDetails: [view(VPC)] })
      .answer('ListLaunchPaths', launchPaths(VPC.path))
      .answer('DescribeProduct', describeProduct(VPC, VPC.versions));
  }
}

interface Fixture {
  id: string;
  name: string;
  owner: string;
  description: string;
  path?: string;
  versions: object[];
}
const version = (id: string, created: number, guidance = 'DEFAULT', name = 'v1') => ({
  Id: id,
  Name: name,
  Description: '',
  CreatedTime: created,
  Guidance: guidance,
});
const VPC: Fixture = {
  id: 'prod-vpc4ab7cd2ef',
  name: 'Standard VPC',
  owner: 'Platform team',
  description: 'A VPC with private subnets',
  path: 'lpv3-vpcpath1abc',
  versions: [version('pa-vpcold1', 1_690_000_000, 'DEPRECATED', 'v1'), version('pa-vpcv2xyz', 1_700_000_000, 'DEFAULT', 'v2')],
};
const BUCKET: Fixture = {
  id: 'prod-bkt9zx8yw7',
  name: 'Guarded bucket',
  owner: 'Security',
  description: 'An S3 bucket with the guardrails',
  path: 'lpv3-bktpath2def',
  versions: [version('pa-bktv1', 1_650_000_000), version('pa-bktv3', 1_720_000_000, 'DEFAULT', 'v3'), version('pa-bktv2', 1_700_000_000)],
};
const NO_PATH: Fixture = { id: 'prod-nopath1234', name: 'Not for the bot', owner: 'x', description: '', versions: [version('pa-np', 1)] };
const RETIRED: Fixture = {
  id: 'prod-retired567',
  name: 'Retired',
  owner: 'x',
  description: '',
  path: 'lpv3-retired',
  versions: [version('pa-old', 1, 'DEPRECATED')],
};
const ACCOUNT_FACTORY: Fixture = {
  id: 'prod-acctfact123',
  name: 'AWS Control Tower Account Factory',
  owner: 'AWS Control Tower',
  description: '',
  path: 'lpv3-af',
  versions: [version('pa-af', 1)],
};

const summary = (p: Fixture) => ({
  Id: `prodview-${p.id.slice(5)}`,
  ProductId: p.id,
  Name: p.name,
  Owner: p.owner,
  ShortDescription: p.description,
  Type: 'CLOUD_FORMATION_TEMPLATE',
  Distributor: '',
  HasDefaultPath: false,
  SupportEmail: '',
  SupportDescription: '',
  SupportUrl: '',
});
const view = (p: Fixture) => ({
  ProductViewSummary: summary(p),
  Status: 'AVAILABLE',
  ProductARN: `arn:aws:catalog:eu-west-1:111111111111:product/${p.id}`,
  CreatedTime: 1_690_000_000,
});
const launchPaths = (path?: string) => ({
  LaunchPathSummaries: path
    ? [{ Id: path, Name: 'Products portfolio', ConstraintSummaries: [{ Type: 'LAUNCH', Description: '' }], Tags: [] }]
    : [],
});
const describeProduct = (p: Fixture, versions: object[]) => ({
  ProductViewSummary: summary(p),
  ProvisioningArtifacts: versions,
  Budgets: [],
  LaunchPaths: p.path ? [{ Id: p.path, Name: 'Products portfolio' }] : [],
});

const recordDetail = (recordId: string, status: string, extra: object = {}) => ({
  RecordId: recordId,
  ProvisionedProductName: 'standard-vpc-ana',
  Status: status,
  CreatedTime: 1_772_442_000,
  UpdatedTime: 1_772_442_060,
  ProvisionedProductType: 'CFN_STACK',
  RecordType: 'PROVISION_PRODUCT',
  ProvisionedProductId: 'pp-vpc7ut2wq6ko',
  ProductId: VPC.id,
  ProvisioningArtifactId: 'pa-vpcv2xyz',
  PathId: VPC.path,
  RecordErrors: [],
  RecordTags: [],
  ...extra,
});

function productRequest(overrides: Partial<AccountRequest> = {}, product: Partial<ProductLaunch> = {}): AccountRequest {
  const at = '2026-03-02T09:00:00.000Z';
  return {
    id: '01JNK3Q8X7B2V5T9R4M6P0W1YZ',
    kind: 'product',
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
      ou: { name: 'Production' },
      sso: { email: 'ana@example.com', firstName: 'Ana', lastName: 'Silva' },
    },
    product: {
      productId: VPC.id,
      name: VPC.name,
      artifactId: 'pa-vpcv2xyz',
      pathId: VPC.path,
      parameters: { CidrBlock: '10.0.0.0/16', AdminPassword: 'sealed:abc' },
      secretKeys: ['AdminPassword'],
      provisionedProductName: 'standard-vpc-ana',
      ...product,
    },
    audit: [],
    ...overrides,
  };
}

/** STS AssumeRole's documented answer (query protocol, XML). */
function assumeRoleAnswer(expiration: Date): string {
  return `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <SourceIdentity>vending-bot</SourceIdentity>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::${MEMBER}:assumed-role/AWSControlTowerExecution/vending-01JNK3Q8X7B2V5T9R4M6P0W1YZ</Arn>
      <AssumedRoleId>ARO123EXAMPLE123:vending-01JNK3Q8X7B2V5T9R4M6P0W1YZ</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>${ASSUMED_KEY}</AccessKeyId>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
      <SessionToken>${SESSION_TOKEN}</SessionToken>
      <Expiration>${expiration.toISOString()}</Expiration>
    </Credentials>
    <PackedPolicySize>6</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata>
    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
  </ResponseMetadata>
</AssumeRoleResponse>`;
}

/** Expects one AssumeRole and records its form. */
function expectAssumeRole(endpoint = STS_ENDPOINT, expiration = new Date(Date.now() + 3_600_000)): Array<Record<string, string>> {
  const sent: Array<Record<string, string>> = [];
  nock(endpoint)
    .post('/')
    .reply(
      200,
      (_uri, body) => {
        sent.push(Object.fromEntries(new URLSearchParams(String(body))));
        return assumeRoleAnswer(expiration);
      },
      { 'content-type': 'text/xml' },
    );
  return sent;
}

let api: ProductCatalogApi;
let clock: number;
const factory = (opts: { launchRoleName?: string } = {}) =>
  new ServiceCatalogProductFactory({
    portfolioIds: ['port-aaa111'],
    client: serviceCatalogClient(),
    sts: sts(),
    log: silentLogger,
    now: () => clock,
    ...opts,
  });

beforeEach(() => {
  api = new ProductCatalogApi();
  clock = Date.now();
});
strictNock();

describe('ServiceCatalogProductFactory.products', () => {
  it('lists every portfolio page by page, each product once, without Account Factory, only what the role can launch, at its DEFAULT version', async () => {
    api
      .answer(
        'SearchProductsAsAdmin',
        { ProductViewDetails: [view(ACCOUNT_FACTORY), view(VPC)], NextPageToken: 'page-2' },
        {
          when: { PortfolioId: 'port-aaa111' },
        },
      )
      .answer('SearchProductsAsAdmin', { ProductViewDetails: [view(BUCKET), view(NO_PATH)] }, { when: { PageToken: 'page-2' } })
      .answer(
        'SearchProductsAsAdmin',
        { ProductViewDetails: [view(BUCKET), view(RETIRED)], NextPageToken: '' },
        {
          when: { PortfolioId: 'port-bbb222' },
        },
      );
    for (const p of [VPC, BUCKET, NO_PATH, RETIRED]) api.answer('ListLaunchPaths', launchPaths(p.path), { when: { ProductId: p.id } });
    for (const p of [VPC, BUCKET, RETIRED]) api.answer('DescribeProduct', describeProduct(p, p.versions), { when: { Id: p.id } });
    const products = new ServiceCatalogProductFactory({
      portfolioIds: ['port-aaa111', 'port-bbb222'],
      client: serviceCatalogClient(),
      sts: sts(),
      log: silentLogger,
    });

    await expect(products.products()).resolves.toEqual([
      {
        id: BUCKET.id,
        name: 'Guarded bucket',
        description: 'An S3 bucket with the guardrails',
        owner: 'Security',
        artifactId: 'pa-bktv3', // the newest active version
        artifactName: 'v3',
        pathId: BUCKET.path,
      },
      {
        id: VPC.id,
        name: 'Standard VPC',
        description: 'A VPC with private subnets',
        owner: 'Platform team',
        artifactId: 'pa-vpcv2xyz', // not the deprecated v1
        artifactName: 'v2',
        pathId: VPC.path,
      },
    ]);
    expect(products.kind).toBe('service-catalog');
    expect(api.sent('SearchProductsAsAdmin')).toEqual([
      { PortfolioId: 'port-aaa111' },
      { PortfolioId: 'port-aaa111', PageToken: 'page-2' },
      { PortfolioId: 'port-bbb222' },
    ]);
    // Account Factory is never looked at; the bucket, in both portfolios, once.
    const looked = [...api.sent('ListLaunchPaths'), ...api.sent('DescribeProduct')].map((b) => b.ProductId ?? b.Id);
    expect(looked).not.toContain(ACCOUNT_FACTORY.id);
    expect(api.sent('ListLaunchPaths').filter((b) => b.ProductId === BUCKET.id)).toHaveLength(1);
  });

  it('keeps the list for a minute', async () => {
    api.vpcCatalog();
    const products = factory();
    const first = await products.products();
    clock += 59_000;
    await expect(products.products()).resolves.toEqual(first);
    expect(api.operations()).toEqual(['SearchProductsAsAdmin', 'ListLaunchPaths', 'DescribeProduct']);

    clock += 2_000;
    api.vpcCatalog();
    await expect(products.products()).resolves.toEqual(first);
    expect(api.sent('SearchProductsAsAdmin')).toHaveLength(2);
  });

  it('forgets a failed listing, and a throttled one is not a product list', async () => {
    api.fail('SearchProductsAsAdmin', 'ThrottlingException', 'Rate exceeded');
    const products = factory();
    await expect(products.products()).rejects.toMatchObject({ name: 'ThrottlingException' });
    api.vpcCatalog();
    await expect(products.products()).resolves.toHaveLength(1);
  });
});

describe('ServiceCatalogProductFactory.product', () => {
  it("gives a product's parameters with their constraints, lengths and bounds as numbers, NoEcho ones marked", async () => {
    api.vpcCatalog().answer('DescribeProvisioningParameters', {
      ProvisioningArtifactParameters: [
        {
          ParameterKey: 'Environment',
          DefaultValue: 'dev',
          ParameterType: 'String',
          IsNoEcho: false,
          Description: 'Where it runs',
          ParameterConstraints: { AllowedValues: ['dev', 'prod'] },
        },
        {
          ParameterKey: 'CidrBlock',
          ParameterType: 'String',
          IsNoEcho: false,
          Description: 'The VPC range',
          ParameterConstraints: {
            AllowedValues: [],
            AllowedPattern: '^(\\d{1,3}\\.){3}\\d{1,3}/\\d{1,2}$',
            ConstraintDescription: 'must be a CIDR block such as 10.0.0.0/16',
            MinLength: '9',
            MaxLength: '18',
          },
        },
        {
          ParameterKey: 'AzCount',
          DefaultValue: '2',
          ParameterType: 'Number',
          IsNoEcho: false,
          Description: '',
          ParameterConstraints: { AllowedValues: [], MinValue: '1', MaxValue: '3' },
        },
        {
          ParameterKey: 'AdminPassword',
          ParameterType: 'String',
          IsNoEcho: true,
          Description: 'The admin password',
          ParameterConstraints: {},
        },
      ],
      ConstraintSummaries: [{ Type: 'LAUNCH', Description: '' }],
      UsageInstructions: [{ Type: 'rules', Value: '{}' }],
      TagOptions: [],
      ProvisioningArtifactPreferences: {},
      ProvisioningArtifactOutputs: [{ Key: 'VpcId', Description: 'The VPC' }],
    });

    const product = await factory().product(VPC.id);

    expect(api.sent('DescribeProvisioningParameters')).toEqual([
      { ProductId: VPC.id, ProvisioningArtifactId: 'pa-vpcv2xyz', PathId: VPC.path },
    ]);
    expect(product).toEqual({
      id: VPC.id,
      name: 'Standard VPC',
      description: 'A VPC with private subnets',
      owner: 'Platform team',
      artifactId: 'pa-vpcv2xyz',
      artifactName: 'v2',
      pathId: VPC.path,
      parameters: [
        {
          key: 'Environment',
          description: 'Where it runs',
          type: 'String',
          default: 'dev',
          noEcho: false,
          constraints: { allowedValues: ['dev', 'prod'] },
        },
        {
          key: 'CidrBlock',
          description: 'The VPC range',
          type: 'String',
          noEcho: false,
          constraints: {
            allowedPattern: '^(\\d{1,3}\\.){3}\\d{1,3}/\\d{1,2}$',
            constraintDescription: 'must be a CIDR block such as 10.0.0.0/16',
            minLength: 9,
            maxLength: 18,
          },
        },
        { key: 'AzCount', type: 'Number', default: '2', noEcho: false, constraints: { minValue: 1, maxValue: 3 } },
        { key: 'AdminPassword', description: 'The admin password', type: 'String', noEcho: true, constraints: {} },
      ],
    });
    // Absent constraints are left out, not undefined.
    expect(Object.keys(product!.parameters[2].constraints)).toEqual(['minValue', 'maxValue']);
    expect('default' in product!.parameters[1]).toBe(false);
  });

  it('is undefined for a product not in the catalog (Account Factory included), without describing it', async () => {
    api.vpcCatalog();
    const products = factory();
    await expect(products.product('prod-unknown123')).resolves.toBeUndefined();
    await expect(products.product(ACCOUNT_FACTORY.id)).resolves.toBeUndefined();
    expect(api.sent('DescribeProvisioningParameters')).toEqual([]);
  });
});

describe('ServiceCatalogProductFactory.launch', () => {
  it("launches the request's product and version through its path, named and with the attempt's token and the parameters in clear", async () => {
    api.answer('ProvisionProduct', { RecordDetail: recordDetail('rec-vpc1', 'CREATED') });

    await expect(factory().launch(productRequest(), { CidrBlock: '10.0.0.0/16', AdminPassword: 'hunter2!' })).resolves.toEqual({
      recordId: 'rec-vpc1',
    });
    expect(api.sent('ProvisionProduct')).toEqual([
      {
        ProductId: VPC.id,
        ProvisioningArtifactId: 'pa-vpcv2xyz',
        PathId: VPC.path,
        ProvisionedProductName: 'standard-vpc-ana',
        ProvisionToken: '01JNK3Q8X7B2V5T9R4M6P0W1YZ',
        ProvisioningParameters: [
          { Key: 'CidrBlock', Value: '10.0.0.0/16' },
          { Key: 'AdminPassword', Value: 'hunter2!' },
        ],
      },
    ]);
    // In the bot's own account: its own credentials.
    expect(api.calls[0].authorization).toContain(`Credential=${BOT_KEY}/`);
  });

  it("gives a retry its own attempt's token", async () => {
    api.answer('ProvisionProduct', { RecordDetail: recordDetail('rec-vpc2', 'CREATED') });
    await factory().launch(productRequest({ retries: 1 }), {});
    expect(api.sent('ProvisionProduct')[0].ProvisionToken).toBe('01JNK3Q8X7B2V5T9R4M6P0W1YZ-attempt-2');
  });

  it('launches in the account the request names, as the launch role assumed there, and keeps its credentials until they near expiry', async () => {
    const assumed = expectAssumeRole();
    api
      .answer('ProvisionProduct', { RecordDetail: recordDetail('rec-member1', 'CREATED') })
      .answer('DescribeRecord', { RecordDetail: recordDetail('rec-member1', 'IN_PROGRESS'), RecordOutputs: [] });
    const products = factory();
    const request = productRequest({ accountId: MEMBER });

    await expect(products.launch(request, { CidrBlock: '10.1.0.0/16' })).resolves.toEqual({ recordId: 'rec-member1' });
    await expect(products.describe('rec-member1', request)).resolves.toEqual({ state: 'IN_PROGRESS' });

    expect(assumed).toEqual([
      {
        Action: 'AssumeRole',
        Version: '2011-06-15',
        RoleArn: `arn:aws:iam::${MEMBER}:role/AWSControlTowerExecution`,
        RoleSessionName: 'vending-01JNK3Q8X7B2V5T9R4M6P0W1YZ',
      },
    ]);
    // Signed with the assumed role's credentials, not the bot's; one AssumeRole for both calls.
    for (const call of api.calls) {
      expect(call.authorization).toContain(`Credential=${ASSUMED_KEY}/`);
      expect(call.authorization).not.toContain(BOT_KEY);
      expect(call.securityToken).toBe(SESSION_TOKEN);
    }
    expect(api.calls[0].body).toMatchObject({ ProvisionToken: request.id, ProvisionedProductName: 'standard-vpc-ana' });

    // Near expiry (5 minutes before): assumed again.
    clock += 56 * 60_000;
    const again = expectAssumeRole();
    api.answer('DescribeRecord', { RecordDetail: recordDetail('rec-member1', 'IN_PROGRESS'), RecordOutputs: [] });
    await products.describe('rec-member1', request);
    expect(again).toHaveLength(1);
  });

  it('assumes the configured launch role, and trims a long session name to 64 characters', async () => {
    const assumed = expectAssumeRole();
    api.answer('ProvisionProduct', { RecordDetail: recordDetail('rec-2', 'CREATED') });
    const id = `01JNK3Q8X7B2V5T9R4M6P0W1YZ-${'x'.repeat(60)}`;

    await factory({ launchRoleName: 'VendingLaunchRole' }).launch(productRequest({ id, accountId: MEMBER }), {});

    expect(assumed[0].RoleArn).toBe(`arn:aws:iam::${MEMBER}:role/VendingLaunchRole`);
    expect(assumed[0].RoleSessionName).toBe(`vending-${id}`.slice(0, 64));
    expect(assumed[0].RoleSessionName).toHaveLength(64);
  });

  it('refuses the launch when the launch role cannot be assumed', async () => {
    nock(STS_ENDPOINT)
      .post('/')
      .reply(
        403,
        `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code>` +
          `<Message>User is not authorized to perform: sts:AssumeRole</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`,
        { 'content-type': 'text/xml' },
      );
    const err = await factory()
      .launch(productRequest({ accountId: MEMBER }), {})
      .catch((e) => e);
    expect(err).toBeInstanceOf(FactoryRejectedError);
    expect(err.message).toContain(`arn:aws:iam::${MEMBER}:role/AWSControlTowerExecution`);
    expect(err.message).toContain('not authorized');
  });

  it("follows the existing record when the name is taken by this attempt's own launch (a lost answer)", async () => {
    api
      .fail('ProvisionProduct', 'DuplicateResourceException', 'A provisioned product with the name standard-vpc-ana already exists')
      .answer('DescribeProvisionedProduct', {
        ProvisionedProductDetail: {
          Name: 'standard-vpc-ana',
          Id: 'pp-vpc7ut2wq6ko',
          Status: 'UNDER_CHANGE',
          IdempotencyToken: '01JNK3Q8X7B2V5T9R4M6P0W1YZ',
          LastRecordId: 'rec-vpc1',
          LastProvisioningRecordId: 'rec-vpc1',
          ProductId: VPC.id,
          ProvisioningArtifactId: 'pa-vpcv2xyz',
        },
        CloudWatchDashboards: [],
      });

    await expect(factory().launch(productRequest(), {})).resolves.toEqual({ recordId: 'rec-vpc1' });
    expect(api.sent('DescribeProvisionedProduct')).toEqual([{ Name: 'standard-vpc-ana' }]);
  });

  it('refuses the launch when the name belongs to another launch', async () => {
    api.fail('ProvisionProduct', 'DuplicateResourceException', 'already exists').answer('DescribeProvisionedProduct', {
      ProvisionedProductDetail: { Name: 'standard-vpc-ana', IdempotencyToken: 'someone-else', LastProvisioningRecordId: 'rec-x' },
    });
    await expect(factory().launch(productRequest(), {})).rejects.toThrow(FactoryRejectedError);
  });

  describe('what Service Catalog says', () => {
    it('a provisioned product busy with another operation is FactoryBusyError', async () => {
      api.fail('ProvisionProduct', 'ResourceInUseException', 'The provisioned product is being updated');
      const err = await factory()
        .launch(productRequest(), {})
        .catch((e) => e);
      expect(err).toBeInstanceOf(FactoryBusyError);
      expect(err.message).toMatch(/busy.*being updated/);
      expect(err.message).not.toMatch(/Control Tower|Account Factory/);
    });

    it('throttling (after the SDK gave up) is FactoryBusyError', async () => {
      api.fail('ProvisionProduct', 'ThrottlingException', 'Rate exceeded');
      await expect(factory().launch(productRequest(), {})).rejects.toThrow(FactoryBusyError);
    });

    it('invalid parameters are FactoryRejectedError with the reason', async () => {
      api.fail('ProvisionProduct', 'InvalidParametersException', 'Parameter CidrBlock failed to satisfy constraint');
      const err = await factory()
        .launch(productRequest(), {})
        .catch((e) => e);
      expect(err).toBeInstanceOf(FactoryRejectedError);
      expect(err.message).toMatch(/refused the product launch: Parameter CidrBlock failed/);
    });

    it('a missing product or version is FactoryRejectedError naming it', async () => {
      api.fail('ProvisionProduct', 'ResourceNotFoundException', 'Provisioning artifact pa-vpcv2xyz not found');
      const err = await factory()
        .launch(productRequest(), {})
        .catch((e) => e);
      expect(err).toBeInstanceOf(FactoryRejectedError);
      expect(err.message).toContain('"Standard VPC"');
    });
  });
});

describe('ServiceCatalogProductFactory.describe', () => {
  it("gives a finished launch's outputs", async () => {
    api.answer('DescribeRecord', {
      RecordDetail: recordDetail('rec-vpc1', 'SUCCEEDED'),
      RecordOutputs: [
        { OutputKey: 'VpcId', OutputValue: 'vpc-0abc123', Description: 'The VPC' },
        { OutputKey: 'CloudformationStackARN', OutputValue: 'arn:aws:cloudformation:eu-west-1:111111111111:stack/SC-111111111111-pp-x/1' },
      ],
      NextPageToken: null,
    });

    await expect(factory().describe('rec-vpc1', productRequest())).resolves.toEqual({
      state: 'SUCCEEDED',
      outputs: [
        { key: 'VpcId', value: 'vpc-0abc123', description: 'The VPC' },
        { key: 'CloudformationStackARN', value: 'arn:aws:cloudformation:eu-west-1:111111111111:stack/SC-111111111111-pp-x/1' },
      ],
    });
    expect(api.sent('DescribeRecord')).toEqual([{ Id: 'rec-vpc1' }]);
  });

  it("gives a failed launch's errors", async () => {
    api.answer('DescribeRecord', {
      RecordDetail: recordDetail('rec-vpc1', 'FAILED', {
        RecordErrors: [
          { Code: 'CREATE_FAILED', Description: 'Subnet: CIDR 10.0.0.0/28 conflicts with another subnet' },
          { Code: 'ROLLBACK', Description: ' The stack was rolled back ' },
        ],
      }),
      RecordOutputs: [],
    });
    await expect(factory().describe('rec-vpc1', productRequest())).resolves.toEqual({
      state: 'FAILED',
      message: 'Subnet: CIDR 10.0.0.0/28 conflicts with another subnet; The stack was rolled back',
    });
  });

  it.each(['CREATED', 'IN_PROGRESS', 'IN_PROGRESS_IN_ERROR'])('%s is still in progress', async (status) => {
    api.answer('DescribeRecord', { RecordDetail: recordDetail('rec-vpc1', status), RecordOutputs: [] });
    await expect(factory().describe('rec-vpc1', productRequest())).resolves.toEqual({ state: 'IN_PROGRESS' });
  });
});

describe('ServiceCatalogProductFactory.terminate', () => {
  it('terminates the provisioned product by name with the termination request as the token, in its account', async () => {
    const assumed = expectAssumeRole();
    api.answer('TerminateProvisionedProduct', {
      RecordDetail: recordDetail('rec-term1', 'CREATED', { RecordType: 'TERMINATE_PROVISIONED_PRODUCT' }),
    });
    const request = productRequest(
      { id: '01JNK4TERMINATE0000000000', kind: 'terminate-product', accountId: MEMBER },
      { terminates: '01JNK3Q8X7B2V5T9R4M6P0W1YZ' },
    );

    await expect(factory().terminate(request)).resolves.toEqual({ recordId: 'rec-term1' });
    expect(api.sent('TerminateProvisionedProduct')).toEqual([
      { ProvisionedProductName: 'standard-vpc-ana', TerminateToken: '01JNK4TERMINATE0000000000' },
    ]);
    expect(assumed[0].RoleSessionName).toBe('vending-01JNK4TERMINATE0000000000');
    expect(api.calls[0].authorization).toContain(`Credential=${ASSUMED_KEY}/`);
  });

  it('a relaunch after a lost answer finds the termination it started, in the account, instead of "not found"', async () => {
    expectAssumeRole();
    api.fail('TerminateProvisionedProduct', 'ResourceNotFoundException', 'Provisioned product not found').answer('ListRecordHistory', {
      RecordDetails: [recordDetail('rec-term1', 'SUCCEEDED', { RecordType: 'TERMINATE_PROVISIONED_PRODUCT', CreatedTime: 1_774_000_000 })],
    });
    const request = productRequest({ kind: 'terminate-product', accountId: MEMBER }, { terminates: '01JNK3Q8X7B2V5T9R4M6P0W1YZ' });

    await expect(factory().terminate(request)).resolves.toEqual({ recordId: 'rec-term1' });
    expect(api.sent('ListRecordHistory')).toEqual([{ AccessLevelFilter: { Key: 'Role', Value: 'self' }, PageSize: 20 }]);
    expect(api.calls.at(-1)!.authorization).toContain(`Credential=${ASSUMED_KEY}/`);
  });

  it('a provisioned product that is not there is FactoryRejectedError', async () => {
    api
      .fail('TerminateProvisionedProduct', 'ResourceNotFoundException', 'Provisioned product not found')
      .answer('ListRecordHistory', { RecordDetails: [] });
    const err = await factory()
      .terminate(productRequest({ kind: 'terminate-product' }))
      .catch((e) => e);
    expect(err).toBeInstanceOf(FactoryRejectedError);
    expect(err.message).toContain('"standard-vpc-ana"');
  });
});

describe('with no clients given', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('AWS_ENDPOINT_URL_SERVICE_CATALOG, AWS_ENDPOINT_URL_STS, AWS_REGION and the credentials chain apply, in other accounts too', async () => {
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SERVICE_CATALOG: SERVICE_CATALOG_ENDPOINT,
      AWS_ENDPOINT_URL_STS: 'https://sts.env.test',
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: BOT_KEY,
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    });
    delete process.env.AWS_PROFILE;
    delete process.env.AWS_SESSION_TOKEN;
    api.vpcCatalog();
    const assumed = expectAssumeRole('https://sts.env.test');
    api.answer('DescribeRecord', { RecordDetail: recordDetail('rec-1', 'IN_PROGRESS'), RecordOutputs: [] });
    const products = new ServiceCatalogProductFactory({ portfolioIds: ['port-aaa111'], log: silentLogger });

    await expect(products.products()).resolves.toHaveLength(1);
    await expect(products.describe('rec-1', productRequest({ accountId: MEMBER }))).resolves.toEqual({ state: 'IN_PROGRESS' });
    expect(api.calls[0].authorization).toContain(`Credential=${BOT_KEY}/`);
    expect(assumed).toHaveLength(1);
    expect(api.calls.at(-1)!.authorization).toContain(`Credential=${ASSUMED_KEY}/`);
  });
});
