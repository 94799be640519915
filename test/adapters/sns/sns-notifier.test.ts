import { SNSClient } from '@aws-sdk/client-sns';
import nock from 'nock';
import { SNS_MAX_BYTES, SnsNotifier, TRUNCATION_NOTE } from '../../../app/adapters/sns/sns-notifier';
import { truncate } from '../../../app/core/effects/messages';
import type { OutgoingMessage } from '../../../app/core/ports/notifier';
import { RecordingLogger } from '../../aws/fixtures/lex/recording-logger';
import { strictNock } from '../../support/wire';

/**
 * Amazon SNS at the wire: Publish is the Query protocol (POST / with a form-encoded body,
 * XML answers), as in the SNS API reference.
 */
const REGION = 'eu-west-1';
const SNS_ENDPOINT = `https://sns.${REGION}.amazonaws.com`;
const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:vending-bot-mail';
const CREDENTIALS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

const publishResponse = (messageId: string) => `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
  <PublishResult>
    <MessageId>${messageId}</MessageId>
  </PublishResult>
  <ResponseMetadata>
    <RequestId>f187a3c1-376f-11df-8963-01868b7c937a</RequestId>
  </ResponseMetadata>
</PublishResponse>`;

const errorResponse = (type: string, code: string, message: string) => `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
  <Error>
    <Type>${type}</Type>
    <Code>${code}</Code>
    <Message>${message}</Message>
  </Error>
  <RequestId>9dd01905-5012-5f99-8663-4b3ecd0dfaef</RequestId>
</ErrorResponse>`;

const APPROVAL: OutgoingMessage = {
  to: 'boss@example.com',
  subject: 'Approval needed: Sandbox AWS account "sandbox-jane-doe" for Jane Doe',
  text: 'Jane Doe asks for a new AWS account.\n\nRequest:        req-m1abc-1234abcd\n\nApprove or deny: https://vending.example.com/account/confirm/eyJhbGciOi.signed',
  requestId: 'req-m1abc-1234abcd',
  kind: 'approval-request',
};

interface Published {
  params: URLSearchParams;
  attributes: Record<string, { DataType: string; StringValue: string }>;
}

/** Answers the next Publish and records what was sent. */
function acceptPublish(endpoint = SNS_ENDPOINT, messageId = '567910cd-659e-55d4-8ccb-5aaf14679dc0') {
  const published: Published[] = [];
  const scope = nock(endpoint)
    .post('/')
    .reply(
      200,
      (_path: string, body: nock.Body) => {
        const params = new URLSearchParams(typeof body === 'string' ? body : String(body));
        const attributes: Published['attributes'] = {};
        for (let i = 1; params.has(`MessageAttributes.entry.${i}.Name`); i++) {
          attributes[params.get(`MessageAttributes.entry.${i}.Name`)!] = {
            DataType: params.get(`MessageAttributes.entry.${i}.Value.DataType`)!,
            StringValue: params.get(`MessageAttributes.entry.${i}.Value.StringValue`)!,
          };
        }
        published.push({ params, attributes });
        return publishResponse(messageId);
      },
      { 'Content-Type': 'text/xml' },
    );
  return { scope, published };
}

function setup() {
  const log = new RecordingLogger();
  const client = new SNSClient({ region: REGION, credentials: CREDENTIALS, maxAttempts: 1 });
  return { log, notifier: new SnsNotifier({ client, topicArn: TOPIC, log }) };
}

strictNock();

describe('SnsNotifier: the Notifier port on Amazon SNS (Publish)', () => {
  it('is the sns kind', () => {
    expect(setup().notifier.kind).toBe('sns');
  });

  it('publishes the message to the topic with to, kind and requestId as message attributes', async () => {
    const { notifier, log } = setup();
    const { published } = acceptPublish();

    await notifier.send(APPROVAL);

    expect(published).toHaveLength(1);
    const [{ params, attributes }] = published;
    expect(params.get('Action')).toBe('Publish');
    expect(params.get('Version')).toBe('2010-03-31');
    expect(params.get('TopicArn')).toBe(TOPIC);
    expect(params.get('Subject')).toBe('Approval needed: Sandbox AWS account "sandbox-jane-doe" for Jane Doe');
    // The plain text as it is, line breaks and the approver's own signed link included.
    expect(params.get('Message')).toBe(APPROVAL.text);
    // Each approver's e-mail subscription filters on `to`: everyone gets only their own link.
    expect(attributes).toEqual({
      to: { DataType: 'String', StringValue: 'boss@example.com' },
      kind: { DataType: 'String', StringValue: 'approval-request' },
      requestId: { DataType: 'String', StringValue: 'req-m1abc-1234abcd' },
    });
    expect(log.at('info')[0]).toMatchObject({
      obj: { messageId: '567910cd-659e-55d4-8ccb-5aaf14679dc0', requestId: 'req-m1abc-1234abcd' },
    });
  });

  it('makes the subject fit an e-mail subject: at most 100 ASCII characters, no line breaks', async () => {
    const { notifier } = setup();
    const { published } = acceptPublish();
    const subject = `Ready: AWS account ${'very-long-team-name-'.repeat(6)}\r\nfor Zoë Ångström (123456789012)`;

    await notifier.send({ ...APPROVAL, subject, kind: 'request-succeed' });

    const sent = published[0].params.get('Subject')!;
    expect(sent).toBe(truncate(subject));
    expect(sent.length).toBeLessThanOrEqual(100);
    expect(sent).toMatch(/^[\x20-\x7e]+$/);
    expect(sent.endsWith('...')).toBe(true);
  });

  it('keeps a message under the 256 KB limit, shortened with a note', async () => {
    const { notifier, log } = setup();
    const { published } = acceptPublish();
    const text = `Audit trail:\n${'é approved by someone@example.com\n'.repeat(10_000)}`;

    await notifier.send({ ...APPROVAL, text });

    const sent = published[0].params.get('Message')!;
    const attributeBytes =
      ['to', 'kind', 'requestId'].reduce((n, name) => n + name.length + 'String'.length, 0) +
      APPROVAL.to.length +
      APPROVAL.kind.length +
      APPROVAL.requestId.length;
    expect(Buffer.byteLength(sent) + Buffer.byteLength(published[0].params.get('Subject')!) + attributeBytes).toBeLessThanOrEqual(
      SNS_MAX_BYTES,
    );
    expect(sent.endsWith(TRUNCATION_NOTE)).toBe(true);
    expect(text.startsWith(sent.slice(0, -TRUNCATION_NOTE.length))).toBe(true);
    expect(log.at('warn')[0].msg).toMatch(/too long/);
  });

  it('lets an error propagate, for the effects dispatcher to retry (400 InvalidParameter)', async () => {
    const { notifier } = setup();
    nock(SNS_ENDPOINT)
      .post('/')
      .reply(400, errorResponse('Sender', 'InvalidParameter', 'Invalid parameter: TopicArn'), { 'Content-Type': 'text/xml' });
    await expect(notifier.send(APPROVAL)).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'Invalid parameter: TopicArn',
    });
  });

  it('lets a missing topic (404 NotFound) and a server error propagate too', async () => {
    const { notifier } = setup();
    nock(SNS_ENDPOINT)
      .post('/')
      .reply(404, errorResponse('Sender', 'NotFound', 'Topic does not exist'), { 'Content-Type': 'text/xml' })
      .post('/')
      .reply(500, errorResponse('Receiver', 'InternalError', 'Internal Error'), { 'Content-Type': 'text/xml' });
    await expect(notifier.send(APPROVAL)).rejects.toMatchObject({ name: 'NotFoundException', message: 'Topic does not exist' });
    await expect(notifier.send(APPROVAL)).rejects.toMatchObject({ name: 'InternalErrorException' });
  });

  describe('SDK configuration', () => {
    const saved = { ...process.env };
    beforeEach(() => {
      Object.assign(process.env, {
        AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
        AWS_REGION: REGION,
      });
      delete process.env.AWS_PROFILE;
    });
    afterEach(() => {
      process.env = { ...saved };
    });

    it('honours AWS_ENDPOINT_URL_SNS', async () => {
      process.env.AWS_ENDPOINT_URL_SNS = 'http://localhost:4575';
      const notifier = new SnsNotifier({ topicArn: TOPIC, log: new RecordingLogger() });
      const { scope, published } = acceptPublish('http://localhost:4575');
      await notifier.send(APPROVAL);
      expect(scope.isDone()).toBe(true);
      expect(published[0].params.get('TopicArn')).toBe(TOPIC);
    });

    it('follows the SDK region otherwise', async () => {
      const notifier = new SnsNotifier({ topicArn: TOPIC, log: new RecordingLogger() });
      const { scope } = acceptPublish(SNS_ENDPOINT);
      await notifier.send(APPROVAL);
      expect(scope.isDone()).toBe(true);
    });
  });
});
