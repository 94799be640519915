import type { Actor } from '../../app/core/request/account-request';
import { eventually, type RunningApp, startApp } from '../support/app';
import { RecordingNotifier } from '../support/doubles';

/**
 * Product vending over REST on the sandbox catalog (manifest/sandbox-products.yml): the catalog,
 * a request checked against the product's own constraints, approval, the launch followed to its
 * outputs, a secret parameter that is never shown or stored in clear, and termination.
 */
const BUCKET = 'prod-cd79omu7mhoqz';
const DATABASE = 'prod-0by41fog5ma08';
const jane = { UserEmail: 'jane@example.com', UserName: 'Jane', UserLastname: 'Doe' };
const boss: Actor = { id: 'boss@example.com', email: 'boss@example.com', name: 'Boss', door: 'email-link' };

describe('product vending over REST (sandbox catalog)', () => {
  let running: RunningApp;
  let notifier: RecordingNotifier;
  beforeAll(async () => {
    notifier = new RecordingNotifier();
    running = await startApp({ APPROVER_EMAILS: 'boss@example.com' }, { notifier });
  });
  afterAll(() => running.stop());

  const get = async (path: string) => {
    const res = await fetch(`${running.baseUrl}${path}`);
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${running.baseUrl}${path}`, { method: 'POST', body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const reaches = (id: string, status: string) =>
    eventually(async () => {
      await running.app.core.tend();
      const { body } = await get(`/requests/${id}`);
      return body.status === status && body;
    });

  it('lists the catalog and gives a product with its parameters and their constraints', async () => {
    const { body } = await get('/products');
    expect(body.catalog).toBe('sandbox');
    expect(body.products.map((p: any) => p.name)).toEqual(
      expect.arrayContaining(['Encrypted S3 bucket', 'VPC', 'Small PostgreSQL database']),
    );
    const { body: bucket } = await get(`/products/${BUCKET}`);
    expect(bucket.parameters.find((p: any) => p.key === 'Versioning')).toMatchObject({
      default: 'Enabled',
      constraints: { allowedValues: ['Enabled', 'Suspended'] },
    });
    expect((await get('/products/prod-nosuchproduct1')).status).toBe(404);
  });

  it('refuses parameters that break the product constraints, naming the parameter and the constraint, storing nothing', async () => {
    const ask = (parameters: unknown) => post(`/products/${BUCKET}/requests`, { ...jane, parameters, reason: 'logs' });
    const cases: Array<[unknown, string, RegExp]> = [
      [{}, 'parameters.BucketSuffix', /BucketSuffix is required/],
      [{ BucketSuffix: 'Bad_Suffix' }, 'parameters.BucketSuffix', /pattern|lower-case/i],
      [{ BucketSuffix: 'team-logs', RetentionDays: 5000 }, 'parameters.RetentionDays', /at most 3650/],
      [{ BucketSuffix: 'team-logs', Versioning: 'Maybe' }, 'parameters.Versioning', /one of Enabled, Suspended/],
      [{ BucketSuffix: 'team-logs', Colour: 'blue' }, 'parameters.Colour', /no parameter "Colour"/],
      ['not an object', 'parameters', /JSON object/],
    ];
    for (const [parameters, field, message] of cases) {
      const res = await ask(parameters);
      expect(res.status).toBe(400);
      expect(res.body.field).toBe(field);
      expect(res.body.error).toMatch(message);
    }
    expect((await running.app.core.requestsOf('jane@example.com')).filter((r) => r.kind === 'product')).toEqual([]);
  });

  let launched: string;
  it('launches an approved product and gives the requester its outputs', async () => {
    const asked = await post(`/products/${BUCKET}/requests`, { ...jane, parameters: { BucketSuffix: 'team-logs' }, reason: 'logs' });
    expect(asked.status).toBe(201);
    expect(asked.body.request).toMatchObject({
      kind: 'product',
      status: 'PENDING_APPROVAL',
      product: { productId: BUCKET, parameters: { BucketSuffix: 'team-logs', RetentionDays: '90', Versioning: 'Enabled' } },
    });
    expect(asked.body.request.product.provisionedProductName).toMatch(/^Encrypted-S3-bucket-jane-[0-9a-f]{8}$/);
    await eventually(async () => notifier.to('boss@example.com').find((m) => m.subject.includes('product "Encrypted S3 bucket"')));
    await running.app.core.decide(asked.body.requestId, 'approve', boss);
    const done = await reaches(asked.body.requestId, 'SUCCEEDED');
    expect(done.outputs.map((o: any) => o.key)).toEqual(expect.arrayContaining(['BucketName']));
    expect(done.outputs.find((o: any) => o.key === 'BucketName').value).toContain('team-logs');
    const ready = await eventually(async () => notifier.to('jane@example.com').find((m) => m.subject.startsWith('Done: product')));
    expect(ready.text).toMatch(/BucketName = \S*team-logs/);
    launched = asked.body.requestId;
  });

  it('never shows or stores a secret parameter in clear', async () => {
    const password = 'Correct-Horse-Battery-9';
    const asked = await post(`/products/${DATABASE}/requests`, {
      ...jane,
      parameters: { DbName: 'orders', MasterPassword: password },
      reason: 'orders service',
    });
    expect(asked.status).toBe(201);
    expect(asked.body.request.product.parameters.MasterPassword).toBe('****');
    const stored = await running.app.core.lookUp(asked.body.requestId);
    expect(stored.product?.parameters.MasterPassword).toMatch(/^sealed:v1:/);
    expect(JSON.stringify(stored)).not.toContain(password);
    await running.app.core.decide(asked.body.requestId, 'approve', boss);
    const done = await reaches(asked.body.requestId, 'SUCCEEDED');
    expect(JSON.stringify(done)).not.toContain(password);
    const mails = [...notifier.to('boss@example.com'), ...notifier.to('jane@example.com')].map((m) => m.text).join('\n');
    expect(mails).toContain('MasterPassword = ****');
    expect(mails).not.toContain(password);
  });

  it('terminates a launched product through the policy, once', async () => {
    const stranger = await post(`/requests/${launched}/terminate`, {
      UserEmail: 'eve@example.com',
      UserName: 'Eve',
      UserLastname: 'X',
      reason: 'x',
    });
    expect(stranger.status).toBe(403);
    const asked = await post(`/requests/${launched}/terminate`, { ...jane, reason: 'logs moved' });
    expect(asked.status).toBe(201);
    expect(asked.body.request).toMatchObject({ kind: 'terminate-product', product: { terminates: launched } });
    expect((await post(`/requests/${launched}/terminate`, { ...jane, reason: 'again' })).status).toBe(409);
    await running.app.core.decide(asked.body.requestId, 'approve', boss);
    await reaches(asked.body.requestId, 'SUCCEEDED');
    const again = await post(`/requests/${launched}/terminate`, { ...jane, reason: 'again' });
    expect(again.status).toBe(409);
    expect(again.body.error).toContain('was terminated');
  });
});

describe('product vending in a conversation', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp({ APPROVER_EMAILS: 'boss@example.com' });
  });
  afterAll(() => running.stop());
  const say = async (text: string, who = jane) => {
    const res = await fetch(`${running.baseUrl}/account`, { method: 'POST', body: JSON.stringify({ ...who, UserInput: text }) });
    return (await res.json()) as Record<string, any>;
  };

  it('finds the product named, asks for each parameter without a default with its constraint, checks the answers, and confirms', async () => {
    const first = await say('I need an S3 bucket for our logs');
    expect(first).toMatchObject({ intent: 'VendProduct', state: 'ElicitSlot' });
    expect(first.response).toMatch(/Encrypted S3 bucket[\s\S]*What should BucketSuffix be\?[\s\S]*lowercase/);
    const bad = await say('Team_Logs');
    expect(bad.response).toMatch(/^BucketSuffix .*What should BucketSuffix be\?/s);
    const confirm = await say('team-logs');
    expect(confirm).toMatchObject({ state: 'ConfirmIntent' });
    expect(confirm.response).toMatch(/BucketSuffix = team-logs, RetentionDays = 90 \(default\)[\s\S]*yes\/no/);
    const done = await say('yes');
    expect(done).toMatchObject({
      state: 'Fulfilled',
      request: { kind: 'product', product: { parameters: { BucketSuffix: 'team-logs' } } },
    });
    // A repeated yes makes no second request: the conversation is over, and the dialog takes it.
    await say('yes');
    expect((await running.app.core.requestsOf('jane@example.com')).filter((r) => r.kind === 'product')).toHaveLength(1);
  });

  it('sends a product with a secret to the form, and leaves account talk to the dialog', async () => {
    expect((await say('a small postgres database please')).response).toMatch(
      /MasterPassword.*do not take in a conversation.*\/vend-product/s,
    );
    expect((await say('I need a sandbox account')).intent).not.toBe('VendProduct');
  });
});

describe('no product catalog beside the real Account Factory without portfolios', () => {
  it('says so with a 404 instead of offering simulated products', async () => {
    const running = await startApp({ ACCOUNT_FACTORY_PRODUCT_NAME: 'AWS Control Tower Account Factory', AWS_REGION: 'eu-west-1' });
    try {
      const res = await fetch(`${running.baseUrl}/products`);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: string }).error).toMatch(/No product catalog is configured/);
      const health = (await (await fetch(`${running.baseUrl}/healthz`)).json()) as { ports: Record<string, string> };
      expect(health.ports.products).toMatch(/^none/);
    } finally {
      await running.stop();
    }
  });
});
