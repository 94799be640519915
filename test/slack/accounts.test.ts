import { eventually, type RunningApp } from '../support/app';
import {
  buttonClick,
  eventCallback,
  type FakeSlack,
  interaction,
  selected,
  sendEvent,
  slashCommand,
  textValue,
  useSlackApp,
  viewSubmission,
} from '../support/slack';

/** "My accounts" in Slack: the Home tab's accounts with Move, Close and Extend, their modals, and `/vend-account accounts`. */
describe('Slack door: my accounts', () => {
  let running: RunningApp;
  let slack: FakeSlack;
  const harness = useSlackApp(
    {
      UJANE: { email: 'jane@example.com', real_name: 'Jane Doe', first_name: 'Jane', last_name: 'Doe' },
      UOMAR: { email: 'omar@example.com', real_name: 'Omar Haddad', first_name: 'Omar', last_name: 'Haddad' },
      UBOSS: { email: 'boss@example.com', real_name: 'Bo Boss', first_name: 'Bo', last_name: 'Boss' },
    },
    { APPROVER_EMAILS: 'boss@example.com', SANDBOX_LEASE_DAYS: '30' },
  );
  let accountId: string;
  beforeAll(async () => {
    ({ running, slack } = harness);
    const jane = { id: 'UJANE', email: 'jane@example.com', firstName: 'Jane', lastName: 'Doe', slackUserId: 'UJANE' };
    const request = await running.app.core.ask(
      { requester: jane, accountType: 'Sandbox', accountEmail: 'lab-slack@example.com', accountOU: 'Demos' },
      { id: 'UJANE', email: 'jane@example.com', door: 'slack' },
    );
    await running.app.core.decide(request.id, 'approve', { id: 'boss@example.com', email: 'boss@example.com', door: 'email-link' });
    accountId = await eventually(async () => {
      await running.app.core.tend();
      const r = await running.app.core.lookUp(request.id);
      return r.status === 'SUCCEEDED' && (r.accountId as string);
    });
  });

  const home = async (user: string) => {
    slack.reset();
    await sendEvent(running.baseUrl, eventCallback({ type: 'app_home_opened', user, channel: `D${user}`, tab: 'home' }));
    return eventually(async () => slack.of('views.publish').at(-1)?.view);
  };
  const click = (user: string, action: string) =>
    interaction(running.baseUrl, {
      ...buttonClick(user, action, accountId, { channel: `D${user}`, ts: '1700000000.000100' }),
      view: { type: 'home' },
    });

  it('lists the account on the Home tab, simulated and with its lease, with Move, Extend lease and Close', async () => {
    const view = await home('UJANE');
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('My accounts');
    expect(text).toContain(accountId);
    expect(text).toMatch(/simulated.*lease ends/);
    const buttons = view.blocks.find((b: any) => b.block_id === `account:${accountId}`).elements.map((e: any) => e.action_id);
    expect(buttons).toEqual(['account_move', 'account_extend', 'account_close']);
  });

  it('takes a cost centre in the request form, as a tag the account will get', async () => {
    const submit = (costCentre: string) =>
      interaction(
        running.baseUrl,
        viewSubmission('UJANE', 'vend_account_modal', {
          accountName: textValue(`cc-${costCentre.length}`),
          accountType: selected('Sandbox'),
          accountEmail: { type: 'email_text_input', value: `cc-${costCentre.length}@example.com` },
          accountOU: selected('Demos'),
          costCentre: textValue(costCentre),
        }),
      );
    expect(((await (await submit('bad#value')).json()) as any).errors.costCentre).toMatch(/not allowed/);
    expect(await (await submit('CC-1234')).text()).toBe('');
    const request = (await running.app.core.requestsOf('jane@example.com')).find((r) => r.account.name === 'cc-7');
    expect(request?.tags).toEqual({ 'cost-centre': 'CC-1234' });
  });

  it('answers /vend-account accounts with the accounts in words', async () => {
    const res = await slashCommand(running.baseUrl, 'UJANE', 'accounts');
    expect(res.status).toBe(200);
    expect(String(((await res.json()) as any).text)).toMatch(new RegExp(`Your accounts[\\s\\S]*${accountId}`));
  });

  it('opens the Move modal; its submission files a move through the policy, and others are refused on the modal', async () => {
    await click('UJANE', 'account_move');
    const modal = await eventually(async () => slack.of('views.open').at(-1)?.view);
    expect(JSON.stringify(modal)).toContain('Experiment');
    expect(JSON.stringify(modal)).not.toContain('"Demos"'); // where it is already
    const submit = (user: string) =>
      interaction(
        running.baseUrl,
        viewSubmission(
          user,
          modal.callback_id,
          { ou: selected('Experiment'), reason: textValue('the demo grew up') },
          modal.private_metadata,
        ),
      );
    const refused = await submit('UOMAR');
    expect(refused.status).toBe(200);
    expect(((await refused.json()) as any).errors.reason).toMatch(/Only the owner/);

    const filed = await submit('UJANE');
    expect(filed.status).toBe(200);
    expect(await filed.text()).toBe(''); // the modal closes
    const account = await running.app.core.account(accountId);
    expect(account.openRequest).toMatchObject({ kind: 'move-account', status: 'PENDING_APPROVAL' });
    const approverPost = await eventually(async () =>
      slack.of('chat.postMessage').find((m) => JSON.stringify(m.blocks ?? '').includes(`Move of AWS account`)),
    );
    expect(JSON.stringify(approverPost.blocks)).toContain('approve_request');
    // With a request open, the Home tab offers no buttons for the account, and says what is open.
    const view = await home('UJANE');
    expect(view.blocks.find((b: any) => b.block_id === `account:${accountId}`)).toBeUndefined();
    expect(JSON.stringify(view.blocks)).toContain('open request');
  });
});
