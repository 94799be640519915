import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import nock from 'nock';
import { type EmbeddedDynamoDb, startEmbeddedDynamoDb } from '../../app/adapters/embedded/dynalite';
import { FakeSlack, signature } from '../support/slack';

/**
 * The Lambda entry points, invoked with real event JSON: API Gateway v1 (a REST turn) and v2
 * (a signed Slack command), a Control Tower lifecycle event, the schedule and the table's stream.
 * The table is the in-process DynamoDB-compatible server, reached through AWS_ENDPOINT_URL_DYNAMODB
 * exactly as a real table would be; secrets come from Secrets Manager (nock).
 */
const SECRETS = {
  SLACK_SIGNING_SECRET: 'lambda-signing-secret-0123456789',
  SLACK_BOT_TOKEN: 'xoxb-lambda',
  APPROVAL_SECRET: 'a'.repeat(40),
};
const context = { awsRequestId: 'req-1', functionName: 'vending-http', getRemainingTimeInMillis: () => 29_000 } as unknown as Context;
const fixture = (name: string) => JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8'));

/**
 * Service Catalog (Account Factory) and Organizations, answering as the services document it
 * (AWS JSON 1.1: POST / with x-amz-target), for the one account this file provisions.
 */
function accountFactoryAtTheWire(): void {
  const answer = (host: string, target: string, body: object) =>
    nock(host).persist().post('/').matchHeader('x-amz-target', target).reply(200, body, { 'content-type': 'application/x-amz-json-1.1' });
  const sc = 'https://servicecatalog.test';
  answer(sc, 'AWS242ServiceCatalogService.DescribeProduct', {
    ProductViewSummary: {
      Id: 'prodview-q2w3e4r5t6y7u',
      ProductId: 'prod-abcd1234efgh5',
      Name: 'AWS Control Tower Account Factory',
      Owner: 'AWS Control Tower',
      Type: 'CLOUD_FORMATION_TEMPLATE',
    },
    ProvisioningArtifacts: [
      { Id: 'pa-cur7v2kq4x3hy', Name: 'AWS Control Tower Account Factory Template', CreatedTime: 1_700_000_000, Guidance: 'DEFAULT' },
    ],
  });
  answer(sc, 'AWS242ServiceCatalogService.ListLaunchPaths', {
    LaunchPathSummaries: [
      { Id: 'lpv3-xyz9ab8cd7ef6', Name: 'AWS Control Tower Account Factory Portfolio', ConstraintSummaries: [], Tags: [] },
    ],
  });
  answer(sc, 'AWS242ServiceCatalogService.ProvisionProduct', {
    RecordDetail: {
      RecordId: 'rec-ct5team6acct7',
      ProvisionedProductName: 'ct-team-account',
      Status: 'CREATED',
      CreatedTime: 1_795_694_400,
      RecordType: 'PROVISION_PRODUCT',
      ProductId: 'prod-abcd1234efgh5',
      ProvisioningArtifactId: 'pa-cur7v2kq4x3hy',
      PathId: 'lpv3-xyz9ab8cd7ef6',
    },
  });
  answer(sc, 'AWS242ServiceCatalogService.DescribeRecord', {
    RecordDetail: { RecordId: 'rec-ct5team6acct7', Status: 'IN_PROGRESS' },
    RecordOutputs: [],
  });
  // The event's account is the request's: its e-mail is the request's root e-mail.
  answer('https://organizations.test', 'AWSOrganizationsV20161128.DescribeAccount', {
    Account: {
      Id: '210987654321',
      Arn: 'arn:aws:organizations::123456789012:account/o-exampleorgid/210987654321',
      Email: 'ct-team@example.com',
      Name: 'ct-team-account',
      Status: 'ACTIVE',
      JoinedMethod: 'CREATED',
      JoinedTimestamp: 1_795_696_200,
    },
  });
}

describe('Lambda handlers', () => {
  let table: EmbeddedDynamoDb;
  let lambda: typeof import('../../app/lambda');
  const saved = { ...process.env };
  const dataDir = mkdtempSync(join(tmpdir(), 'vending-lambda-'));
  let secretReads = 0;

  beforeAll(async () => {
    table = await startEmbeddedDynamoDb({ tableName: 'vending-prod' });
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    nock('https://secretsmanager.test')
      .persist()
      .post('/')
      .reply(200, (_uri, body) => {
        secretReads++;
        const { SecretId } = typeof body === 'string' ? JSON.parse(body) : (body as { SecretId: string });
        return {
          ARN: `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${SecretId}-AbCdEf`,
          Name: SecretId,
          SecretString: JSON.stringify(SECRETS),
          VersionId: 'v1',
          VersionStages: ['AWSCURRENT'],
          CreatedDate: 1795694400,
        };
      });
    new FakeSlack({ UJANE: { email: 'jane@example.com', real_name: 'Jane Doe', first_name: 'Jane', last_name: 'Doe' } });
    accountFactoryAtTheWire();
    Object.assign(process.env, {
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_ENDPOINT_URL_DYNAMODB: table.endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: 'https://secretsmanager.test',
      TABLE_NAME: 'vending-prod',
      PUBLIC_URL: 'https://abc123defg.execute-api.eu-west-1.amazonaws.com/prod',
      SECRETS_NAME: 'vending/prod',
      SLACK_API_URL: 'https://slack.test/api/',
      DATA_DIR: dataDir,
      // The real Account Factory and Organizations adapters, at the wire (JSON 1.1 on fake endpoints).
      ACCOUNT_FACTORY_PRODUCT_ID: 'prod-abcd1234efgh5',
      AWS_ENDPOINT_URL_SERVICE_CATALOG: 'https://servicecatalog.test',
      AWS_ENDPOINT_URL_ORGANIZATIONS: 'https://organizations.test',
      LOG_LEVEL: 'silent',
    });
    lambda = await import('../../app/lambda');
  });
  afterAll(async () => {
    const app = await lambda.vendingApp();
    await app.close();
    // The stream, schedule and Control Tower handlers run on a core of their own, as their functions do.
    await (await lambda.vendingWorker()).close();
    await table.close();
    process.env = saved;
    nock.cleanAll();
    nock.enableNetConnect();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers a REST turn from API Gateway (REST API, v1 event) exactly as the 2021 API did', async () => {
    const res = (await lambda.http(fixture('apigw-v1-account.json'), context)) as {
      statusCode: number;
      body: string;
      headers: Record<string, string>;
    };
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body).response).toBe('Hi TestUser-Name, what account type do you want? Production or Sandbox?');
    expect(secretReads).toBe(1);
  });

  it('answers a signed Slack slash command from API Gateway (HTTP API, v2 event), and refuses a forged one', async () => {
    const body = new URLSearchParams({
      command: '/vend-account',
      text: 'help',
      user_id: 'UJANE',
      team_id: 'T0001',
      channel_id: 'C1',
      trigger_id: 't.1',
      response_url: 'https://slack.test/r',
      api_app_id: 'A1',
      token: 'x',
    }).toString();
    const ts = Math.floor(Date.now() / 1000);
    const event = (sig: string) => {
      const e = fixture('apigw-v2-template.json');
      e.body = Buffer.from(body).toString('base64');
      e.headers['x-slack-request-timestamp'] = String(ts);
      e.headers['x-slack-signature'] = sig;
      return e;
    };
    const ok = (await lambda.http(event(signature(body, ts, SECRETS.SLACK_SIGNING_SECRET)), context)) as {
      statusCode: number;
      body: string;
    };
    expect(ok.statusCode).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('/vend-account status') });
    const forged = (await lambda.http(event(signature(body, ts, 'wrong-secret')), context)) as { statusCode: number };
    expect(forged.statusCode).toBe(401);
    expect(secretReads).toBe(1); // fetched once per container
  });

  describe("Slack's endpoint, answered without the HTTP app", () => {
    type Answer = { statusCode: number; headers: Record<string, string>; body: string };
    /** A signed request as API Gateway hands it over: v2 (base64, lower-case headers) or v1 (text, headers as sent). */
    const slackEvent = (body: string, opts: { v1?: boolean; contentType?: string; ts?: number; secret?: string } = {}) => {
      const ts = opts.ts ?? Math.floor(Date.now() / 1000);
      const sig = signature(body, ts, opts.secret ?? SECRETS.SLACK_SIGNING_SECRET);
      const contentType = opts.contentType ?? 'application/x-www-form-urlencoded';
      if (opts.v1) {
        const e = fixture('apigw-v1-account.json');
        return {
          ...e,
          path: '/slack/events',
          pathParameters: { proxy: 'slack/events' },
          headers: { ...e.headers, 'Content-Type': contentType, 'X-Slack-Request-Timestamp': String(ts), 'X-Slack-Signature': sig },
          multiValueHeaders: {},
          body,
          isBase64Encoded: false,
        };
      }
      const e = fixture('apigw-v2-template.json');
      e.body = Buffer.from(body).toString('base64');
      Object.assign(e.headers, { 'content-type': contentType, 'x-slack-request-timestamp': String(ts), 'x-slack-signature': sig });
      return e;
    };
    const command = (text: string) =>
      new URLSearchParams({
        command: '/vend-account',
        text,
        user_id: 'UJANE',
        team_id: 'T0001',
        channel_id: 'C1',
        trigger_id: 't.2',
        response_url: 'https://slack.test/r',
        api_app_id: 'A1',
        token: 'x',
      }).toString();
    const send = async (event: object) => (await lambda.http(event, context)) as Answer;

    it('answers url_verification from a REST API (v1) event with the challenge, whatever the headers’ case', async () => {
      const res = await send(
        slackEvent(JSON.stringify({ token: 't', challenge: 'ch4llenge', type: 'url_verification' }), {
          v1: true,
          contentType: 'application/json',
        }),
      );
      expect(res.statusCode).toBe(200);
      expect(JSON.parse(res.body)).toEqual({ challenge: 'ch4llenge' });
    });

    it('checks the signature over the bytes Slack signed: a base64 body with non-ASCII text is taken', async () => {
      const res = await send(slackEvent(command('a sandbox for the équipe in Demos')));
      expect(res.statusCode).toBe(200);
      expect(JSON.parse(res.body)).toMatchObject({ response_type: 'ephemeral', text: expect.any(String) });
    });

    it('refuses a future-dated, a forged and an unsigned request with 401', async () => {
      const future = await send(slackEvent(command('help'), { ts: Math.floor(Date.now() / 1000) + 600 }));
      expect(future.statusCode).toBe(401);
      expect(JSON.parse(future.body).error).toMatch(/more than five minutes away/);
      expect((await send(slackEvent(command('help'), { secret: 'wrong-secret' }))).statusCode).toBe(401);
      const unsigned = slackEvent(command('help'));
      delete unsigned.headers['x-slack-signature'];
      expect((await send(unsigned)).statusCode).toBe(401);
    });

    it('refuses a signed body that is not a payload with a 400 naming the problem, and a too large one with a 413', async () => {
      const notJson = await send(slackEvent('{not json', { contentType: 'application/json' }));
      expect(notJson.statusCode).toBe(400);
      expect(JSON.parse(notJson.body).error).toBe('Malformed Slack payload: the body is neither a form nor JSON');
      const notAnObject = await send(slackEvent('[1,2]', { contentType: 'application/json' }));
      expect(notAnObject.statusCode).toBe(400);
      expect(JSON.parse(notAnObject.body).error).toBe('Malformed Slack payload: The payload must be an object');
      const huge = await send(slackEvent(`text=${'x'.repeat(4 * 1024 * 1024 + 1)}`));
      expect(huge.statusCode).toBe(413);
    });

    it('answers a payload no listener takes with an empty 200, and echoes the request id', async () => {
      const event = slackEvent(
        JSON.stringify({
          type: 'event_callback',
          team_id: 'T0001',
          api_app_id: 'A1',
          event_id: 'Ev0LAMBDA1',
          event_time: 1,
          event: { type: 'reaction_added', user: 'UJANE' },
        }),
        {
          contentType: 'application/json',
        },
      );
      event.headers['x-request-id'] = 'portal-42';
      const res = await send(event);
      expect(res).toMatchObject({ statusCode: 200, body: '' });
      expect(res.headers['x-request-id']).toBe('portal-42');
    });
  });

  it('carries side effects through the stream, completes provisioning from the Control Tower event, and runs the schedule', async () => {
    const app = await lambda.vendingApp();
    const request = await app.core.ask(
      {
        requester: { id: 'jane@example.com', email: 'jane@example.com', firstName: 'Jane', lastName: 'Doe' },
        accountType: 'Sandbox',
        accountEmail: 'ct-team@example.com',
        accountOU: 'Demos',
        accountName: 'ct-team-account',
      },
      { id: 'jane@example.com', door: 'rest' },
    );
    // No inline effects on Lambda: nothing was sent until the stream delivers the write.
    expect(await app.core.sentMessages()!).toEqual([]);
    const streamEvent: DynamoDBStreamEvent = {
      Records: [
        {
          eventID: '1',
          eventName: 'INSERT',
          eventVersion: '1.1',
          eventSource: 'aws:dynamodb',
          awsRegion: 'eu-west-1',
          dynamodb: {
            ApproximateCreationDateTime: 1795694400,
            Keys: { pk: { S: `REQ#${request.id}` }, sk: { S: 'REQ' } },
            NewImage: { pk: { S: `REQ#${request.id}` }, sk: { S: 'REQ' }, effects: { M: { x: { M: {} } } } },
            SequenceNumber: '111',
            SizeBytes: 26,
            StreamViewType: 'NEW_IMAGE',
          },
          eventSourceARN: 'arn:aws:dynamodb:eu-west-1:123456789012:table/vending-prod/stream/2026-11-26T00:00:00.000',
        },
      ],
    };
    expect(await lambda.stream(streamEvent)).toEqual({ batchItemFailures: [] });
    const approval = (await app.core.sentMessages()!).find((m) => m.kind === 'approval-request')!;
    expect(approval.text).toContain('https://abc123defg.execute-api.eu-west-1.amazonaws.com/prod/account/confirm/');

    await app.core.decide(request.id, 'approve', { id: 'approvers@example.com', email: 'approvers@example.com', door: 'email-link' });
    await lambda.reconcile({} as never); // the schedule drains the queue (the stream would too)
    expect((await app.core.lookUp(request.id)).status).toBe('PROVISIONING');

    const ctEvent = {
      version: '0',
      id: '999cccaa-eaaa-0000-1111-123456789012',
      'detail-type': 'AWS Service Event via CloudTrail',
      source: 'aws.controltower',
      account: '123456789012',
      time: '2026-11-26T12:30:00Z',
      region: 'eu-west-1',
      resources: [],
      detail: {
        eventVersion: '1.08',
        userIdentity: { accountId: '123456789012', invokedBy: 'AWS Internal' },
        eventTime: '2026-11-26T12:30:00Z',
        eventSource: 'controltower.amazonaws.com',
        eventName: 'CreateManagedAccount',
        awsRegion: 'eu-west-1',
        sourceIPAddress: 'AWS Internal',
        userAgent: 'AWS Internal',
        requestParameters: null,
        responseElements: null,
        eventID: 'cccaa000-0000-1111-2222-123456789012',
        readOnly: false,
        eventType: 'AwsServiceEvent',
        managementEvent: true,
        recipientAccountId: '123456789012',
        serviceEventDetails: {
          createManagedAccountStatus: {
            organizationalUnit: { organizationalUnitName: 'Demos', organizationalUnitId: 'ou-abcd-12345678' },
            account: { accountName: 'ct-team-account', accountId: '210987654321' },
            state: 'SUCCEEDED',
            message: 'AWS Control Tower successfully created an enrolled account.',
            requestedTimestamp: '2026-11-26T12:00:00+0000',
            completedTimestamp: '2026-11-26T12:30:00+0000',
          },
        },
        eventCategory: 'Management',
      },
    };
    // The account is made; its baseline (tags and a budget, the shipped file) follows as effects on the stream before it is ready.
    expect(await lambda.controlTowerEvent(ctEvent as never)).toEqual({ matched: true, requestId: request.id, status: 'PROVISIONING' });
    expect(await app.core.lookUp(request.id)).toMatchObject({
      status: 'PROVISIONING',
      provisioning: { accountId: '210987654321' },
      baseline: {
        kind: 'aws',
        steps: [
          { step: 'tags', state: 'pending' },
          { step: 'budget', state: 'pending' },
        ],
      },
    });
    expect(await lambda.controlTowerEvent({ source: 'aws.s3', 'detail-type': 'Object Created', detail: {} } as never)).toEqual({
      matched: false,
    });
  });
});
