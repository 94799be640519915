import type { AccountRequest } from '../../app/core/request/account-request';
import { eventually, type RunningApp } from '../support/app';
import {
  buttonClick,
  emailValue,
  eventCallback,
  type FakeSlack,
  interaction,
  selected,
  sendEvent,
  textValue,
  useSlackApp,
  viewSubmission,
} from '../support/slack';

/** The requester's own buttons: Cancel while a request waits, Retry once it failed (in their DMs and on the Home tab). */
describe('Slack door: cancel and retry', () => {
  let running: RunningApp;
  let slack: FakeSlack;
  const harness = useSlackApp(
    {
      UJANE: { email: 'jane@example.com', real_name: 'Jane Doe', first_name: 'Jane', last_name: 'Doe' },
      UOMAR: { email: 'omar@example.com', real_name: 'Omar Haddad', first_name: 'Omar', last_name: 'Haddad' },
      UBOSS: { email: 'boss@example.com', real_name: 'Bo Boss', first_name: 'Bo', last_name: 'Boss' },
    },
    { APPROVER_EMAILS: 'boss@example.com' },
  );
  beforeAll(() => ({ running, slack } = harness));

  let n = 0;
  async function fileRequest(emailPrefix = 'team'): Promise<AccountRequest> {
    const name = `withdraw-${++n}`;
    await interaction(
      running.baseUrl,
      viewSubmission('UJANE', 'vend_account_modal', {
        accountName: textValue(name),
        accountType: selected('Sandbox'),
        accountEmail: emailValue(`${emailPrefix}-${name}@example.com`),
        accountOU: selected('Experiment'),
      }),
    );
    await running.settle();
    return (await running.app.core.requestsOf('jane@example.com', 50)).find((r) => r.account.name === name)!;
  }
  const statusOf = async (id: string) => (await running.app.core.lookUp(id)).status;
  /** The DMs to Jane about a request that carry a button, with the button's action. */
  const buttonsInDms = (request: AccountRequest) =>
    slack
      .of('chat.postMessage')
      .filter((m) => m.channel === 'UJANE' && String(m.text).includes(request.account.name) && m.blocks)
      .flatMap((m) => m.blocks.filter((b: any) => b.type === 'actions').flatMap((b: any) => b.elements))
      .map((e: any) => ({ action: e.action_id, value: e.value }));
  const clickInDm = (user: string, action: string, request: AccountRequest) =>
    interaction(running.baseUrl, buttonClick(user, action, request.id, { channel: 'DJANE', ts: '1700000000.000100' }));
  const noticesTo = (user: string) =>
    slack
      .of('chat.postEphemeral')
      .filter((m) => m.user === user)
      .map((m) => String(m.text));

  it('offers Cancel in the DM of a waiting request; only the requester may use it, and the approvers see it', async () => {
    const request = await fileRequest();
    expect(buttonsInDms(request)).toEqual([{ action: 'cancel_request', value: request.id }]);

    await clickInDm('UOMAR', 'cancel_request', request);
    await running.settle();
    expect(noticesTo('UOMAR')).toContain('Only the requester can cancel a request');
    expect(await statusOf(request.id)).toBe('PENDING_APPROVAL');

    await clickInDm('UJANE', 'cancel_request', request);
    await running.settle();
    expect(await statusOf(request.id)).toBe('CANCELLED');
    expect(noticesTo('UJANE').some((t) => t.includes(`Request ${request.id}`) && t.includes('is cancelled'))).toBe(true);
    const update = await eventually(async () =>
      slack
        .of('chat.update')
        .find((u) => JSON.stringify(u.blocks).includes(request.account.name) && JSON.stringify(u.blocks).includes('Cancelled')),
    );
    expect(update.blocks.some((b: any) => b.type === 'actions')).toBe(false); // no more Approve/Deny

    await clickInDm('UJANE', 'cancel_request', request); // a second click is late, and says so
    await running.settle();
    expect(noticesTo('UJANE').some((t) => t.includes(`Request ${request.id} is already CANCELLED`))).toBe(true);
  });

  it('offers Retry in the DM of a failed request, which provisions it again as a new attempt', async () => {
    const request = await fileRequest('fail'); // the sandbox factory fails e-mails matching "fail"
    await interaction(running.baseUrl, buttonClick('UBOSS', 'approve_request', request.id, { channel: 'C0APPROVALS', ts: '1.1' }));
    await eventually(async () => (await statusOf(request.id)) === 'FAILED');
    await running.settle();
    await eventually(async () => buttonsInDms(request).some((b) => b.action === 'retry_request'));

    await clickInDm('UJANE', 'retry_request', request);
    await running.settle();
    expect(noticesTo('UJANE').some((t) => t.includes('back in the provisioning queue (attempt 2)'))).toBe(true);
    await eventually(async () => (await running.app.core.lookUp(request.id)).audit.filter((a) => a.action === 'fail').length === 2);
    const stored = await running.app.core.lookUp(request.id);
    expect(stored.audit.find((a) => a.action === 'retry')).toMatchObject({ actor: { id: 'UJANE', door: 'slack' } });
    expect(stored.retries).toBe(1);
  });

  it('shows Cancel beside a waiting request on the Home tab', async () => {
    const request = await fileRequest();
    slack.reset();
    await sendEvent(running.baseUrl, eventCallback({ type: 'app_home_opened', user: 'UJANE', channel: 'DUJANE', tab: 'home' }));
    const view = await eventually(async () => slack.of('views.publish').at(-1)?.view);
    const row = view.blocks.find((b: any) => b.type === 'section' && String(b.text?.text).includes(request.id));
    expect(row.accessory).toMatchObject({ type: 'button', action_id: 'cancel_request', value: request.id });
  });
});
