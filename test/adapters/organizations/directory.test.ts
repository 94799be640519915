import { OrganizationsDirectory } from '../../../app/adapters/organizations/directory';
import { answerOrganizations, ORGANIZATIONS_CREDENTIALS, organizationsDirectory } from '../../support/organizations-wire';
import { strictNock } from '../../support/wire';

/**
 * AWS Organizations at the wire: DescribeAccount is JSON 1.1 (POST / with X-Amz-Target
 * AWSOrganizationsV20161128.DescribeAccount), answered as in the Organizations API reference;
 * errors are {"__type", "Message"} with HTTP 400.
 */

const described = {
  Account: {
    Id: '444455556666',
    Arn: 'arn:aws:organizations::111122223333:account/o-exampleorgid/444455556666',
    Email: 'Team-A@example.com',
    Name: 'team-a',
    Status: 'ACTIVE',
    JoinedMethod: 'CREATED',
    JoinedTimestamp: 1573905572.04,
  },
};

strictNock();

describe('OrganizationsDirectory: the AccountDirectory port on AWS Organizations (DescribeAccount)', () => {
  it('is the organizations kind', () => {
    expect(organizationsDirectory().kind).toBe('organizations');
  });

  it('asks DescribeAccount for the account id and returns its id, e-mail, name and status', async () => {
    const asked = answerOrganizations(200, described);

    await expect(organizationsDirectory().describeAccount('444455556666')).resolves.toEqual({
      id: '444455556666',
      email: 'Team-A@example.com',
      name: 'team-a',
      status: 'ACTIVE',
    });

    expect(asked).toHaveLength(1);
    expect(asked[0].headers['x-amz-target']).toBe('AWSOrganizationsV20161128.DescribeAccount');
    expect(asked[0].headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(asked[0].body).toEqual({ AccountId: '444455556666' });
  });

  it('prefers the account State, which replaces Status in the API', async () => {
    answerOrganizations(200, { Account: { ...described.Account, State: 'PENDING_CLOSURE' } });
    await expect(organizationsDirectory().describeAccount('444455556666')).resolves.toMatchObject({ status: 'PENDING_CLOSURE' });
  });

  it('an account the organization does not have is undefined (AccountNotFoundException), not an error', async () => {
    answerOrganizations(400, { __type: 'AccountNotFoundException', Message: "You specified an account that doesn't exist." });
    await expect(organizationsDirectory().describeAccount('123456789012')).resolves.toBeUndefined();
  });

  it.each([
    ['AccessDeniedException', "You don't have permissions to access this resource."],
    ['AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.'],
    ['TooManyRequestsException', "AWS Organizations can't complete your request because another request is already in progress."],
  ])("any other answer (%s) is an error for the caller, with the service's name and message", async (type, message) => {
    answerOrganizations(400, { __type: type, Message: message });
    await expect(organizationsDirectory().describeAccount('444455556666')).rejects.toMatchObject({ name: type, message });
  });

  it("an answer without the account's e-mail is an error, not an account with no e-mail", async () => {
    const { Email: _email, ...withoutEmail } = described.Account;
    answerOrganizations(200, { Account: withoutEmail });
    await expect(organizationsDirectory().describeAccount('444455556666')).rejects.toThrow(
      'described account 444455556666 without its id or e-mail',
    );
  });

  describe("with the SDK's standard settings (no client given)", () => {
    const saved = { ...process.env };
    beforeEach(() => {
      Object.assign(process.env, {
        AWS_ACCESS_KEY_ID: ORGANIZATIONS_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: ORGANIZATIONS_CREDENTIALS.secretAccessKey,
        AWS_MAX_ATTEMPTS: '1',
      });
      delete process.env.AWS_ENDPOINT_URL_ORGANIZATIONS;
      delete process.env.AWS_ENDPOINT_URL;
      delete process.env.AWS_PROFILE;
    });
    afterEach(() => {
      process.env = { ...saved };
    });

    it('follows AWS_ENDPOINT_URL_ORGANIZATIONS', async () => {
      process.env.AWS_REGION = 'eu-west-1';
      process.env.AWS_ENDPOINT_URL_ORGANIZATIONS = 'https://organizations-emulator.test';
      const asked = answerOrganizations(200, described, 'https://organizations-emulator.test');
      await expect(new OrganizationsDirectory().describeAccount('444455556666')).resolves.toMatchObject({ email: 'Team-A@example.com' });
      expect(asked).toHaveLength(1);
    });

    it('calls the global endpoint in us-east-1, signed for us-east-1, whatever AWS_REGION is', async () => {
      process.env.AWS_REGION = 'eu-west-1';
      const asked = answerOrganizations(200, described, 'https://organizations.us-east-1.amazonaws.com');
      await expect(new OrganizationsDirectory().describeAccount('444455556666')).resolves.toMatchObject({ id: '444455556666' });
      expect(String(asked[0].headers.authorization)).toMatch(
        /Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/us-east-1\/organizations\/aws4_request/,
      );
    });
  });
});
