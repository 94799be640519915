import { SandboxProductFactory } from '../../../app/adapters/embedded/sandbox-products';
import { loadSandboxProducts } from '../../../app/boot/sandbox-products-file';
import { FactoryRejectedError } from '../../../app/core/errors';
import { sandboxCatalogSchema } from '../../../app/core/products/sandbox-catalog';
import type { AccountRequest, ProductLaunch } from '../../../app/core/request/account-request';
import { TestClock } from '../../support/doubles';

const catalog = loadSandboxProducts();
const DELAY = 5_000;
const BUCKET = 'prod-cd79omu7mhoqz';
const VPC = 'prod-tg8e1016xx1k5';
const DATABASE = 'prod-0by41fog5ma08';

const launchOf = (productId: string, parameters: Record<string, string>, extra: Partial<ProductLaunch> = {}): ProductLaunch => ({
  productId,
  name: catalog.products.find((p) => p.id === productId)!.name,
  artifactId: catalog.products.find((p) => p.id === productId)!.artifact.id,
  parameters,
  provisionedProductName: `ana-${productId}`,
  ...extra,
});

const request = (id: string, product: ProductLaunch, extra: Partial<AccountRequest> = {}): AccountRequest =>
  ({ id, kind: 'product', status: 'PROVISIONING', product, ...extra }) as AccountRequest;

const setup = (failPattern?: RegExp) => {
  const clock = new TestClock();
  return { clock, factory: new SandboxProductFactory({ catalog, clock, delayMs: DELAY, failPattern }) };
};

describe('SandboxProductFactory: the simulated product catalog', () => {
  it('is the sandbox kind and lists the catalog, with each product parameters and their constraints', async () => {
    const { factory } = setup();
    expect(factory.kind).toBe('sandbox');
    const products = await factory.products();
    expect(products.map((p) => p.name)).toEqual(['Encrypted S3 bucket', 'VPC', 'Small PostgreSQL database']);
    expect(products[0]).not.toHaveProperty('parameters');
    expect(products[0]).toMatchObject({ id: BUCKET, artifactId: 'pa-wid9wzgg3hjtt', artifactName: 'v1.2' });

    const bucket = await factory.product(BUCKET);
    expect(bucket?.parameters.map((p) => p.key)).toEqual(['BucketSuffix', 'RetentionDays', 'Versioning', 'KmsKeyAlias']);
    expect(bucket?.parameters[1]).toEqual({
      key: 'RetentionDays',
      description: 'Days an object is kept before it expires.',
      type: 'Number',
      default: '90',
      noEcho: false,
      constraints: { minValue: 1, maxValue: 3650 },
    });
    const vpc = await factory.product(VPC);
    expect(vpc?.parameters.find((p) => p.key === 'FlowLogs')).toMatchObject({
      default: 'true',
      constraints: { allowedValues: ['true', 'false'] },
    });
    const password = (await factory.product(DATABASE))?.parameters.find((p) => p.key === 'MasterPassword');
    expect(password).toMatchObject({ noEcho: true, constraints: { minLength: 12, maxLength: 64 } });
    expect(password).not.toHaveProperty('default');
    expect(await factory.product('prod-aaaaaaaaaaaaa')).toBeUndefined();
  });

  it('launches: in progress until the delay passed, then the outputs from the parameters and made-up ids', async () => {
    const { clock, factory } = setup();
    const r = request('req-1', launchOf(BUCKET, { BucketSuffix: 'team-logs' }), { accountId: '123456789012' });
    const { recordId } = await factory.launch(r, r.product!.parameters);
    expect(recordId).toMatch(/^sandbox-prod-rec-[0-9a-z]+-ls-req-1$/);

    expect(await factory.describe(recordId, r)).toEqual({ state: 'IN_PROGRESS' });
    clock.advance(DELAY - 1);
    expect((await factory.describe(recordId, r)).state).toBe('IN_PROGRESS');
    clock.advance(1);
    const done = await factory.describe(recordId, r);
    expect(done.state).toBe('SUCCEEDED');
    expect(done.message).toMatch(/sandbox.*simulated/i);
    expect(done.outputs?.map(({ key, value }) => [key, value])).toEqual([
      ['BucketName', 'sandbox-team-logs-123456789012'],
      ['BucketArn', 'arn:aws:s3:::sandbox-team-logs-123456789012'],
      ['RetentionDays', '90'],
      ['KmsKeyAlias', 'alias/aws/s3'],
    ]);
    for (const output of done.outputs!) expect(output.description).toMatch(/simulated/);
  });

  it('names the bucket after the bot when the request names no account, and lists a subnet per AZ with stable ids', async () => {
    const { clock, factory } = setup();
    const bucket = request('req-2', launchOf(BUCKET, { BucketSuffix: 'scratch' }));
    const bucketRecord = (await factory.launch(bucket, bucket.product!.parameters)).recordId;
    const vpc = request('req-3', launchOf(VPC, { CidrBlock: '10.20.0.0/16', AzCount: '3' }));
    const vpcRecord = (await factory.launch(vpc, vpc.product!.parameters)).recordId;
    clock.advance(DELAY);

    expect((await factory.describe(bucketRecord, bucket)).outputs?.[0].value).toBe('sandbox-scratch-bot');
    const outputs = Object.fromEntries((await factory.describe(vpcRecord, vpc)).outputs!.map((o) => [o.key, o.value]));
    expect(outputs.VpcId).toMatch(/^vpc-[0-9a-f]{17}$/);
    const subnets = outputs.SubnetIds.split(',');
    expect(subnets).toHaveLength(3);
    for (const id of subnets) expect(id).toMatch(/^subnet-[0-9a-f]{17}$/);
    expect(new Set(subnets).size).toBe(3);
    expect(outputs).toMatchObject({ CidrBlock: '10.20.0.0/16', FlowLogs: 'true' });
    expect((await factory.describe(vpcRecord, vpc)).outputs).toEqual((await factory.describe(vpcRecord, vpc)).outputs);
  });

  it('never shows a secret: the sealed value in the request is not used in outputs, messages or the record id', async () => {
    const { clock, factory } = setup();
    const sealed = 'sealed:v1:abcdefabcdef';
    const r = request('req-4', launchOf(DATABASE, { DbName: 'orders', MasterPassword: sealed }, { secretKeys: ['MasterPassword'] }));
    const { recordId } = await factory.launch(r, { DbName: 'orders', MasterPassword: 'correct-horse-battery' });
    clock.advance(DELAY);
    const done = await factory.describe(recordId, r);
    expect(done.state).toBe('SUCCEEDED');
    const shown = JSON.stringify({ recordId, done });
    expect(shown).not.toContain(sealed);
    expect(shown).not.toContain('correct-horse-battery');
    expect(Object.fromEntries(done.outputs!.map((o) => [o.key, o.value]))).toMatchObject({
      Endpoint: expect.stringMatching(/^sandbox-db-[0-9a-f]{8}\.c[0-9a-f]{12}\.rds\.sandbox\.invalid$/),
      Port: '5432',
      DbName: 'orders',
      InstanceClass: 'db.t4g.micro',
    });
  });

  it('fails a launch with a parameter value matching the failure pattern, after the delay, saying it is simulated', async () => {
    const { clock, factory } = setup();
    const r = request('req-5', launchOf(BUCKET, { BucketSuffix: 'will-FAIL' }));
    const { recordId } = await factory.launch(r, r.product!.parameters);
    expect(recordId).toContain('-lf-');
    expect((await factory.describe(recordId, r)).state).toBe('IN_PROGRESS');
    clock.advance(DELAY);
    expect(await factory.describe(recordId, r)).toEqual({
      state: 'FAILED',
      message: expect.stringMatching(/Sandbox.*\/fail\/i.*simulated failure/),
    });
  });

  it('does not fail on a secret containing "fail", and takes another failure pattern', async () => {
    const { clock, factory } = setup(/^boom$/);
    const db = request('req-6', launchOf(DATABASE, { DbName: 'failover' }, { secretKeys: ['MasterPassword'] }));
    const dbRecord = (await factory.launch(db, { DbName: 'failover', MasterPassword: 'boom' })).recordId;
    const bucket = request('req-7', launchOf(BUCKET, { BucketSuffix: 'abc', KmsKeyAlias: 'boom' }));
    const bucketRecord = (await factory.launch(bucket, bucket.product!.parameters)).recordId;
    clock.advance(DELAY);
    expect((await factory.describe(dbRecord, db)).state).toBe('SUCCEEDED');
    expect((await factory.describe(bucketRecord, bucket)).state).toBe('FAILED');
  });

  it('refuses a product not in the catalog, and a missing value without a default', async () => {
    const { factory } = setup();
    const unknown = request('req-8', { ...launchOf(BUCKET, {}), productId: 'prod-zzzzzzzzzzzzz' });
    await expect(factory.launch(unknown, {})).rejects.toThrow(FactoryRejectedError);
    await expect(factory.launch(unknown, {})).rejects.toThrow(/no product prod-zzzzzzzzzzzzz in the sandbox catalog/);
    const missing = request('req-9', launchOf(BUCKET, {}));
    await expect(factory.launch(missing, {})).rejects.toThrow(/needs a value for BucketSuffix/);
  });

  it('launching one attempt again is the same launch; a retry is a new one', async () => {
    const { clock, factory } = setup();
    const r = request('req-10', launchOf(BUCKET, { BucketSuffix: 'abc' }));
    const first = await factory.launch(r, r.product!.parameters);
    clock.advance(1000);
    expect(await factory.launch(r, r.product!.parameters)).toEqual(first);
    const retry = await factory.launch({ ...r, retries: 1 }, r.product!.parameters);
    expect(retry.recordId).toMatch(/-ls-req-10-attempt-2$/);
    clock.advance(DELAY - 1000);
    expect((await factory.describe(first.recordId, r)).state).toBe('SUCCEEDED');
    expect((await factory.describe(retry.recordId, { ...r, retries: 1 })).state).toBe('IN_PROGRESS');
  });

  it('terminates: a termination record that succeeds after the delay, without outputs', async () => {
    const { clock, factory } = setup();
    const launched = launchOf(BUCKET, { BucketSuffix: 'will-fail' });
    const r = request('req-11', { ...launched, terminates: 'req-1' }, { kind: 'terminate-product' });
    const { recordId } = await factory.terminate(r);
    expect(recordId).toMatch(/^sandbox-prod-rec-[0-9a-z]+-ts-req-11$/);
    expect((await factory.describe(recordId, r)).state).toBe('IN_PROGRESS');
    clock.advance(DELAY);
    expect(await factory.describe(recordId, r)).toEqual({
      state: 'SUCCEEDED',
      message: `Sandbox: ${launched.provisionedProductName} terminated (sandbox: simulated, nothing exists in AWS)`,
    });
  });

  it('survives a restart: a new instance answers for an old record with the same outputs', async () => {
    const { clock, factory } = setup();
    const r = request('req-12', launchOf(VPC, { CidrBlock: '10.0.0.0/20' }));
    const { recordId } = await factory.launch(r, r.product!.parameters);
    const failing = request('req-13', launchOf(BUCKET, { BucketSuffix: 'fail-me' }));
    const failingRecord = (await factory.launch(failing, failing.product!.parameters)).recordId;
    clock.advance(DELAY);
    const before = await factory.describe(recordId, r);

    const restarted = new SandboxProductFactory({ catalog: loadSandboxProducts(), clock, delayMs: DELAY });
    expect(await restarted.describe(recordId, r)).toEqual(before);
    expect(before.outputs?.find((o) => o.key === 'SubnetIds')?.value.split(',')).toHaveLength(2);
    expect((await restarted.describe(failingRecord, failing)).state).toBe('FAILED');
    const early = new SandboxProductFactory({ catalog, clock, delayMs: DELAY * 2 });
    expect((await early.describe(recordId, r)).state).toBe('IN_PROGRESS');
  });

  it('numbers repeated outputs with Index, and shows a key listed secret in the request masked', async () => {
    const own = sandboxCatalogSchema.parse({
      products: [
        {
          id: 'prod-abcdefghijklm',
          name: 'Queues',
          artifact: { id: 'pa-abcdefghijklm', name: 'v1' },
          parameters: { Count: { Type: 'Number', Default: 2 }, Label: { Type: 'String' } },
          outputs: { Queues: { Value: 'q-$' + '{Index}-$' + '{Label}', Repeat: 'Count' } },
        },
      ],
    });
    const clock = new TestClock();
    const factory = new SandboxProductFactory({ catalog: own, clock, delayMs: 0 });
    const r = request('req-15', { ...launchOf(BUCKET, {}), productId: 'prod-abcdefghijklm', parameters: { Count: '3', Label: 'x' } });
    const { recordId } = await factory.launch(r, r.product!.parameters);
    expect((await factory.describe(recordId, r)).outputs?.[0].value).toBe('q-1-x,q-2-x,q-3-x');
    const sealed = { ...r, product: { ...r.product!, secretKeys: ['Label'] } };
    expect((await factory.describe(recordId, sealed)).outputs?.[0].value).toBe('q-1-****,q-2-****,q-3-****');
  });

  it('fails an unknown record, or another request record, saying it is the sandbox', async () => {
    const { clock, factory } = setup();
    const r = request('req-14', launchOf(BUCKET, { BucketSuffix: 'abc' }));
    const { recordId } = await factory.launch(r, r.product!.parameters);
    clock.advance(DELAY);
    expect(await factory.describe('rec-abcdefgh', r)).toEqual({
      state: 'FAILED',
      message: expect.stringMatching(/Unknown sandbox.*simulated/),
    });
    expect(await factory.describe(recordId, { ...r, id: 'req-1' })).toEqual({
      state: 'FAILED',
      message: expect.stringMatching(/not request req-1/),
    });
  });
});
