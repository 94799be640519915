import { CreateAccountCommand, CreateOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { OrganizationsDirectory } from '../../../app/adapters/organizations/directory';
import type { AccountRequest } from '../../../app/core/request/account-request';
import { matchOutcome } from '../../../app/core/use-cases/provisioning-match';
import { RecordingLogger } from '../../aws/fixtures/lex/recording-logger';
import { type Moto, motoAvailable, startMoto } from '../../support/moto';

/**
 * The Organizations adapter against moto, an emulator written from the AWS API models by other
 * people: the organization and its accounts are made with the Organizations SDK client itself
 * (CreateOrganization, CreateAccount), then described and closed through the adapter.
 */
const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

describe('OrganizationsDirectory against moto', () => {
  if (!motoAvailable) {
    console.warn('moto_server not installed (not on PATH): OrganizationsDirectory was NOT tested against moto.');
    it.skip('moto_server not installed: DescribeAccount and CloseAccount against moto did not run', () => undefined);
    return;
  }

  let moto: Moto;
  let client: OrganizationsClient;
  /** Creates an account in moto's organization; moto finishes the creation at once. */
  const createAccount = async (email: string, name: string) => {
    const { CreateAccountStatus: status } = await client.send(new CreateAccountCommand({ Email: email, AccountName: name }));
    expect(status).toMatchObject({ State: 'SUCCEEDED', AccountId: expect.stringMatching(/^\d{12}$/) });
    return status!.AccountId!;
  };

  beforeAll(async () => {
    moto = (await startMoto())!;
    client = new OrganizationsClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: CREDENTIALS, maxAttempts: 1 });
    await client.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  }, 30_000);
  afterAll(async () => {
    client?.destroy();
    await moto?.stop();
  });

  it('describes an account of the organization: its id, its e-mail as given, its name and status', async () => {
    const id = await createAccount('Team-A@example.com', 'team-a');
    await expect(new OrganizationsDirectory({ client }).describeAccount(id)).resolves.toEqual({
      id,
      email: 'Team-A@example.com',
      name: 'team-a',
      status: 'ACTIVE',
    });
  });

  it('an id the organization does not have is undefined (moto answers AccountNotFoundException)', async () => {
    await expect(new OrganizationsDirectory({ client }).describeAccount('210987654321')).resolves.toBeUndefined();
  });

  it('closes an account: moto closes it at once (SUSPENDED, with no PENDING_CLOSURE between), and a second close resolves too', async () => {
    const id = await createAccount('closing@example.com', 'closing');
    const directory = new OrganizationsDirectory({ client });

    await expect(directory.closeAccount(id)).resolves.toBeUndefined();
    // Real Organizations reports PENDING_CLOSURE for a while first; moto goes straight to SUSPENDED.
    await expect(directory.describeAccount(id)).resolves.toMatchObject({ id, email: 'closing@example.com', status: 'SUSPENDED' });
    // moto answers AccountAlreadyClosedException: the close is done, not failed.
    await expect(directory.closeAccount(id)).resolves.toBeUndefined();
  });

  it('closing an id the organization does not have is a clear error (moto answers AccountNotFoundException)', async () => {
    await expect(new OrganizationsDirectory({ client }).closeAccount('210987654321')).rejects.toThrow(
      'AWS Organizations has no account 210987654321 in this organization',
    );
  });

  it('two accounts with one name are told apart by their e-mail, so an event about the other one completes nothing', async () => {
    const ours = await createAccount('payments@example.com', 'payments');
    const theirs = await createAccount('payments-lab@example.org', 'payments');
    const request = {
      id: 'req-payments',
      status: 'PROVISIONING',
      account: { name: 'payments', email: 'PAYMENTS@example.com' },
      provisioning: { attempts: 1, recordId: 'rec-payments' },
    } as AccountRequest;
    const directory = new OrganizationsDirectory({ client });
    const log = new RecordingLogger();

    const other = await matchOutcome({ accountId: theirs, accountName: 'payments', state: 'SUCCEEDED' }, [request], directory, log);
    expect(other).toMatchObject({ by: 'none' });
    expect(other.request).toBeUndefined();
    await expect(
      matchOutcome({ accountId: ours, accountName: 'payments', state: 'SUCCEEDED' }, [request], directory, log),
    ).resolves.toMatchObject({ request, by: 'email' });
  });
});
