import { OrganizationsDirectory } from '../../../app/adapters/organizations/directory';
import { CloseQuotaError } from '../../../app/core/errors';
import { answerOrganizations, ORGANIZATIONS_CREDENTIALS, organizationsDirectory } from '../../support/organizations-wire';
import { strictNock } from '../../support/wire';

/**
 * OrganizationsDirectory.closeAccount at the wire: CloseAccount is JSON 1.1 (POST / with
 * X-Amz-Target AWSOrganizationsV20161128.CloseAccount and {"AccountId"}), answered with an empty
 * body on success; errors are {"__type", "Message"} with HTTP 400, and ConstraintViolationException
 * carries a "Reason", as in the Organizations API reference.
 */
const ACCOUNT = '444455556666';

strictNock();

describe('OrganizationsDirectory.closeAccount (Organizations CloseAccount)', () => {
  it('asks CloseAccount for the account id and resolves when Organizations accepts it', async () => {
    const asked = answerOrganizations(200, {});

    await expect(organizationsDirectory().closeAccount(ACCOUNT)).resolves.toBeUndefined();

    expect(asked).toHaveLength(1);
    expect(asked[0].headers['x-amz-target']).toBe('AWSOrganizationsV20161128.CloseAccount');
    expect(asked[0].headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(asked[0].body).toEqual({ AccountId: ACCOUNT });
  });

  it('an account that is already closed resolves: the close is done (AccountAlreadyClosedException)', async () => {
    answerOrganizations(400, {
      __type: 'AccountAlreadyClosedException',
      Message: 'You attempted to close an account that is already closed.',
    });
    await expect(organizationsDirectory().closeAccount(ACCOUNT)).resolves.toBeUndefined();
  });

  it.each([
    ['CLOSE_ACCOUNT_QUOTA_EXCEEDED', /rolling 30 days.*20 % of its member accounts/],
    ['CLOSE_ACCOUNT_REQUESTS_LIMIT_EXCEEDED', /too many account closes are in progress/],
  ])('the close quota (ConstraintViolationException %s) is CloseQuotaError, in plain words', async (reason, words) => {
    answerOrganizations(400, {
      __type: 'ConstraintViolationException',
      Message: 'You have exceeded close account quota for the past 30 days.',
      Reason: reason,
    });

    const err = await organizationsDirectory()
      .closeAccount(ACCOUNT)
      .catch((e) => e);

    expect(err).toBeInstanceOf(CloseQuotaError);
    expect(err.message).toMatch(new RegExp(`^Account ${ACCOUNT} cannot be closed yet: `));
    expect(err.message).toMatch(words);
  });

  it('any other constraint (e.g. the management account) is not a quota: the error is the service’s', async () => {
    answerOrganizations(400, {
      __type: 'ConstraintViolationException',
      Message: "You can't close the management account.",
      Reason: 'CANNOT_CLOSE_MANAGEMENT_ACCOUNT',
    });

    const err = await organizationsDirectory()
      .closeAccount(ACCOUNT)
      .catch((e) => e);

    expect(err).not.toBeInstanceOf(CloseQuotaError);
    expect(err).toMatchObject({ name: 'ConstraintViolationException', Reason: 'CANNOT_CLOSE_MANAGEMENT_ACCOUNT' });
  });

  it('an account the organization does not have is a clear error', async () => {
    answerOrganizations(400, { __type: 'AccountNotFoundException', Message: "You specified an account that doesn't exist." });
    await expect(organizationsDirectory().closeAccount('123456789012')).rejects.toThrow(
      'AWS Organizations has no account 123456789012 in this organization, so it cannot be closed',
    );
  });

  it.each([
    ['AccessDeniedException', "You don't have permissions to access this resource."],
    ['ConcurrentModificationException', 'The target of the operation is currently being modified by a different request.'],
    ['TooManyRequestsException', "AWS Organizations can't complete your request because another request is already in progress."],
  ])("any other answer (%s) is the service's error", async (type, message) => {
    answerOrganizations(400, { __type: type, Message: message });
    await expect(organizationsDirectory().closeAccount(ACCOUNT)).rejects.toMatchObject({ name: type, message });
  });

  describe("with the SDK's standard settings (no client given)", () => {
    const saved = { ...process.env };
    beforeEach(() => {
      Object.assign(process.env, {
        AWS_ACCESS_KEY_ID: ORGANIZATIONS_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: ORGANIZATIONS_CREDENTIALS.secretAccessKey,
        AWS_MAX_ATTEMPTS: '1',
        AWS_REGION: 'eu-west-1',
      });
      delete process.env.AWS_ENDPOINT_URL;
      delete process.env.AWS_PROFILE;
    });
    afterEach(() => {
      process.env = { ...saved };
    });

    it('follows AWS_ENDPOINT_URL_ORGANIZATIONS', async () => {
      process.env.AWS_ENDPOINT_URL_ORGANIZATIONS = 'https://organizations-emulator.test';
      const asked = answerOrganizations(200, {}, 'https://organizations-emulator.test');

      await expect(new OrganizationsDirectory().closeAccount(ACCOUNT)).resolves.toBeUndefined();

      expect(asked).toHaveLength(1);
      expect(asked[0].headers['x-amz-target']).toBe('AWSOrganizationsV20161128.CloseAccount');
      expect(asked[0].body).toEqual({ AccountId: ACCOUNT });
    });
  });
});
