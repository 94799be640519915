import type { AccountRequest } from '../../app/core/request/account-request';
import { eventually, type RunningApp } from '../support/app';
import { TestClock } from '../support/doubles';
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

describe('Slack door: approving', () => {
  let running: RunningApp;
  let slack: FakeSlack;
  const clock = new TestClock(new Date());

  const harness = useSlackApp(
    {
      UJANE: { email: 'jane@example.com', real_name: 'Jane Doe', first_name: 'Jane', last_name: 'Doe' },
      UOMAR: { email: 'omar@example.com', real_name: 'Omar Haddad', first_name: 'Omar', last_name: 'Haddad' },
      UBOSS: { email: 'boss@example.com', real_name: 'Bo Boss', first_name: 'Bo', last_name: 'Boss' },
      UDEPUTY: { email: 'deputy@example.com', real_name: 'Dee Deputy', first_name: 'Dee', last_name: 'Deputy' },
    },
    { APPROVER_EMAILS: 'approvers@example.com' },
    { clock },
  );
  beforeAll(() => ({ running, slack } = harness));

  let n = 0;
  /** Files a request through the modal as `user` and returns it with its approvers' message. */
  async function fileRequest(user = 'UJANE'): Promise<{ request: AccountRequest; where: { channel: string; ts: string } }> {
    const name = `slack-team-${++n}`;
    const res = await interaction(
      running.baseUrl,
      viewSubmission(user, 'vend_account_modal', {
        accountName: textValue(name),
        accountType: selected('Sandbox'),
        accountEmail: emailValue(`${name}@example.com`),
        accountOU: selected('Experiment'),
      }),
    );
    expect(res.status).toBe(200);
    await running.settle();
    const request = (await running.app.core.waitingFor({ id: 'UBOSS', door: 'slack' })).find((r) => r.account.name === name)!;
    const [channel, ts] = (await running.app.core.lookUp(request.id)).annotations!['slack.approval-message'].split(' ');
    const where = { channel, ts };
    slack.reset();
    return { request, where };
  }

  const click = (
    user: string,
    action: 'approve_request' | 'deny_request',
    request: AccountRequest,
    where: { channel: string; ts: string },
  ) => interaction(running.baseUrl, buttonClick(user, action, request.id, where));
  const lastUpdate = () => slack.of('chat.update').at(-1)!;
  const blocksText = (m: Record<string, any>) => JSON.stringify(m.blocks);
  const hasButtons = (m: Record<string, any>) => m.blocks.some((b: any) => b.type === 'actions');
  /** DMs to a requester about one request (other tests' requests may still be finishing). */
  const dmsAbout = (user: string, request: AccountRequest) =>
    slack
      .of('chat.postMessage')
      .filter((m) => m.channel === user && String(m.text).includes(request.account.name))
      .map((m) => String(m.text));

  it('takes a request from the modal to SUCCEEDED, updating one message and DMing the requester at each step', async () => {
    const { request, where } = await fileRequest();
    expect((await click('UBOSS', 'approve_request', request, where)).status).toBe(200);
    const done = await eventually(async () => {
      const r = await running.app.core.lookUp(request.id);
      return r.status === 'SUCCEEDED' && r;
    });
    await running.settle();
    const updates = slack.of('chat.update');
    expect(updates.every((u) => u.channel === where.channel && u.ts === where.ts)).toBe(true);
    expect(blocksText(updates[0])).toContain('Approved by <@UBOSS>');
    expect(hasButtons(updates[0])).toBe(false);
    // The last update follows the SUCCEEDED write as an effect: wait for it rather than race it.
    await eventually(async () => blocksText(lastUpdate()).includes('Account ready'));
    expect(blocksText(lastUpdate())).toContain(`Account ready: *${done.provisioning!.accountId}*`);
    expect(blocksText(lastUpdate())).toContain('sandbox: simulated');
    await eventually(async () => dmsAbout('UJANE', request).some((t) => t.includes('Account id:')));
    const dms = dmsAbout('UJANE', request);
    expect(dms[0]).toContain('*Approved: AWS account');
    expect(dms.at(-1)).toContain(`Account id:   ${done.provisioning!.accountId}`);
    expect(dms.at(-1)).toContain('OU:           Experiment');
  });

  it('tells a non-approver privately that they cannot decide, and changes nothing', async () => {
    const { request, where } = await fileRequest();
    await click('UOMAR', 'approve_request', request, where);
    await running.settle();
    expect(slack.of('chat.postEphemeral')).toEqual([
      expect.objectContaining({
        channel: 'C0APPROVALS',
        user: 'UOMAR',
        text: 'Omar Haddad is not an approver of this request (rule default).',
      }),
    ]);
    expect(slack.of('chat.update')).toEqual([]);
    expect((await running.app.core.lookUp(request.id)).status).toBe('PENDING_APPROVAL');
  });

  it('never lets an approver approve their own request', async () => {
    const { request, where } = await fileRequest('UDEPUTY');
    await click('UDEPUTY', 'approve_request', request, where);
    await running.settle();
    expect(slack.of('chat.postEphemeral')[0]).toMatchObject({ user: 'UDEPUTY', text: expect.stringContaining('your own request') });
    expect((await running.app.core.lookUp(request.id)).status).toBe('PENDING_APPROVAL');
  });

  it('asks for a reason to deny, then tells the requester and updates the message', async () => {
    const { request, where } = await fileRequest();
    await click('UBOSS', 'deny_request', request, where);
    const [open] = slack.of('views.open');
    expect(open.view.callback_id).toBe('deny_reason_modal');
    const metadata = open.view.private_metadata;
    expect(JSON.parse(metadata)).toMatchObject({ requestId: request.id });

    const empty = await interaction(running.baseUrl, viewSubmission('UBOSS', 'deny_reason_modal', { reason: textValue('') }, metadata));
    expect(await empty.json()).toEqual({ response_action: 'errors', errors: { reason: 'A reason is required to deny a request' } });
    const res = await interaction(
      running.baseUrl,
      viewSubmission('UBOSS', 'deny_reason_modal', { reason: textValue('Use the shared sandbox') }, metadata),
    );
    expect(await res.text()).toBe('');
    await running.settle();
    expect(await running.app.core.lookUp(request.id)).toMatchObject({
      status: 'DENIED',
      decision: { reason: 'Use the shared sandbox', by: { id: 'UBOSS', door: 'slack' } },
    });
    expect(blocksText(lastUpdate())).toContain('Denied by <@UBOSS>');
    expect(blocksText(lastUpdate())).toContain('Use the shared sandbox');
    expect(hasButtons(lastUpdate())).toBe(false);
    expect(dmsAbout('UJANE', request)[0]).toContain('Reason: Use the shared sandbox');
  });

  it('does not open the deny form for a non-approver', async () => {
    const { request, where } = await fileRequest();
    await click('UOMAR', 'deny_request', request, where);
    await running.settle();
    expect(slack.of('views.open')).toEqual([]);
    expect(slack.of('chat.postEphemeral')).toHaveLength(1);
  });

  it('lets a Slack click and an e-mail link race safely: one wins, the other is told who', async () => {
    const { request, where } = await fileRequest();
    const mail = (await running.app.core.sentMessages()!).find((m) => m.requestId === request.id && m.kind === 'approval-request')!;
    const link = /http\S+/.exec(mail.text)![0];
    const [slackClick, linkPost] = await Promise.all([
      click('UBOSS', 'approve_request', request, where),
      fetch(link, {
        method: 'POST',
        body: new URLSearchParams({ decision: 'deny', reason: 'Duplicate of another request' }),
        redirect: 'manual',
      }),
    ]);
    expect(slackClick.status).toBe(200);
    await running.settle();
    const stored = await running.app.core.lookUp(request.id);
    expect(stored.audit.filter((e) => e.action === 'approve' || e.action === 'deny')).toHaveLength(1);
    if (stored.decision!.outcome === 'denied') {
      expect(linkPost.status).toBe(303);
      expect(slack.of('chat.postEphemeral')[0].text).toMatch(/already denied by approvers@example.com at \d{4}-/);
    } else {
      expect(linkPost.status).toBe(409);
      expect(await linkPost.text()).toMatch(/already approved by Bo Boss at \d{4}-/);
    }
  });

  it('updates the message when a request expires', async () => {
    const { request } = await fileRequest();
    clock.advance(49 * 3_600_000);
    await running.app.core.tend();
    await running.settle();
    const update = slack.of('chat.update').find((u) => blocksText(u).includes(request.id))!;
    expect(blocksText(update)).toContain('Expired: nobody decided in time');
    expect(hasButtons(update)).toBe(false);
    expect(dmsAbout('UJANE', request)[0]).toContain('*Expired:');
  });

  it('refuses an Approve click on a request past its expiry, before any sweep ran, and shows it expired', async () => {
    const { request, where } = await fileRequest();
    clock.advance(49 * 3_600_000); // no sweep: the stored request is still PENDING_APPROVAL
    await click('UBOSS', 'approve_request', request, where);
    await running.settle();
    const stored = await running.app.core.lookUp(request.id);
    expect(stored).toMatchObject({ status: 'EXPIRED' });
    expect(stored.decision).toBeUndefined();
    expect(slack.of('chat.postEphemeral')).toEqual([
      expect.objectContaining({ user: 'UBOSS', text: expect.stringContaining('expired at') }),
    ]);
    expect(blocksText(slack.of('chat.update').at(-1)!)).toContain('Expired: nobody decided in time');
  });

  it('loses no update while Slack is failing: retried from the stored state, it shows the latest', async () => {
    const { request, where } = await fileRequest();
    slack.fail('chat.update', 1000);
    await click('UBOSS', 'approve_request', request, where);
    await eventually(async () => (await running.app.core.lookUp(request.id)).status === 'SUCCEEDED');
    await running.settle();
    const failed = slack.of('chat.update').length;
    expect(failed).toBeGreaterThan(0);
    slack.reset();
    clock.advance(60 * 60_000);
    await running.app.core.carryOutEffects();
    await eventually(async () => slack.of('chat.update').some((u) => blocksText(u).includes('Account ready')));
    expect(blocksText(lastUpdate())).toContain('Account ready');
    expect(blocksText(lastUpdate())).toContain('Approved by <@UBOSS>');
  });

  describe('App Home', () => {
    const openHome = (user: string) =>
      sendEvent(running.baseUrl, eventCallback({ type: 'app_home_opened', user, channel: `D${user}`, tab: 'home' }));

    it('shows a requester their requests and no approver section', async () => {
      const { request } = await fileRequest('UOMAR');
      await openHome('UOMAR');
      const [publish] = slack.of('views.publish');
      expect(publish.user_id).toBe('UOMAR');
      expect(publish.view.type).toBe('home');
      const text = JSON.stringify(publish.view.blocks);
      expect(text).toContain('My account requests');
      expect(text).toContain(request.account.name);
      expect(text).not.toContain('Waiting for your decision');
    });

    it('shows an approver what waits for their decision, with the buttons', async () => {
      const { request } = await fileRequest('UJANE');
      await openHome('UBOSS');
      const [publish] = slack.of('views.publish');
      const text = JSON.stringify(publish.view.blocks);
      expect(text).toContain('Waiting for your decision');
      expect(text).toContain(request.id);
      const buttons = publish.view.blocks.filter((b: any) => b.type === 'actions').flatMap((b: any) => b.elements);
      expect(buttons.filter((b: any) => b.value === request.id).map((b: any) => b.action_id)).toEqual(['approve_request', 'deny_request']);
    });
  });
});
