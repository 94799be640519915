import nock from 'nock';
import { loadSecrets } from '../../app/boot/secrets';
import { strictNock } from '../support/wire';

/** Secrets from Secrets Manager and SSM Parameter Store, at the wire; the environment wins. */
describe('loading secrets', () => {
  strictNock();
  const saved = { ...process.env };
  beforeAll(() => {
    Object.assign(process.env, {
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_ENDPOINT_URL_SSM: 'https://ssm.test',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: 'https://secretsmanager.test',
      AWS_MAX_ATTEMPTS: '1',
    });
  });
  afterAll(() => {
    process.env = saved;
  });

  it('reads SecureString parameters under a path, by setting name, and decrypts them', async () => {
    let asked: Record<string, unknown> = {};
    nock('https://ssm.test')
      .post('/', (body) => {
        asked = body;
        return true;
      })
      .matchHeader('x-amz-target', 'AmazonSSM.GetParametersByPath')
      .reply(200, {
        Parameters: [
          {
            Name: '/vending/prod/SLACK_BOT_TOKEN',
            Type: 'SecureString',
            Value: 'xoxb-from-ssm',
            Version: 3,
            ARN: 'arn:aws:ssm:eu-west-1:123456789012:parameter/vending/prod/SLACK_BOT_TOKEN',
            DataType: 'text',
          },
          {
            Name: '/vending/prod/APPROVAL_SECRET',
            Type: 'SecureString',
            Value: 'z'.repeat(40),
            Version: 1,
            ARN: 'arn:aws:ssm:eu-west-1:123456789012:parameter/vending/prod/APPROVAL_SECRET',
            DataType: 'text',
          },
          {
            Name: '/vending/prod/UNRELATED',
            Type: 'String',
            Value: 'ignored',
            Version: 1,
            ARN: 'arn:aws:ssm:eu-west-1:123456789012:parameter/vending/prod/UNRELATED',
            DataType: 'text',
          },
        ],
      });
    const found = await loadSecrets({ SECRETS_SSM_PATH: '/vending/prod/', APPROVAL_SECRET: 'y'.repeat(40) });
    expect(asked).toMatchObject({ Path: '/vending/prod/', WithDecryption: true });
    expect(found).toEqual({ SLACK_BOT_TOKEN: 'xoxb-from-ssm' }); // APPROVAL_SECRET was in the environment
  });

  it('reads a JSON secret from Secrets Manager and refuses one that is not a JSON object', async () => {
    nock('https://secretsmanager.test')
      .post('/')
      .matchHeader('x-amz-target', 'secretsmanager.GetSecretValue')
      .reply(200, {
        ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:vending/dev-AbCdEf',
        Name: 'vending/dev',
        SecretString: '{"SLACK_SIGNING_SECRET":"s3cret","API_KEY":""}',
        VersionId: 'v1',
        VersionStages: ['AWSCURRENT'],
      });
    expect(await loadSecrets({ SECRETS_NAME: 'vending/dev' })).toEqual({ SLACK_SIGNING_SECRET: 's3cret' });

    nock('https://secretsmanager.test')
      .post('/')
      .reply(200, {
        ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:vending/bad-AbCdEf',
        Name: 'vending/bad',
        SecretString: 'not json',
        VersionId: 'v1',
        VersionStages: ['AWSCURRENT'],
      });
    await expect(loadSecrets({ SECRETS_NAME: 'vending/bad' })).rejects.toThrow();
  });

  it('asks nothing when no secret source is configured', async () => {
    expect(await loadSecrets({})).toEqual({});
  });
});
