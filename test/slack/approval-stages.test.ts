import { join } from 'node:path';
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

/**
 * The approval policy in Slack (manifest/approval-policy.example.yml): the approvers' message
 * shows the stages, tags the people of the current stage, and its buttons work only for them; the
 * App Home lists a request only for the people it waits for.
 */
describe('Slack door: approval stages', () => {
  let running: RunningApp;
  let slack: FakeSlack;
  const profile = (email: string, name: string) => ({
    email,
    real_name: name,
    first_name: name.split(' ')[0],
    last_name: name.split(' ')[1],
  });
  const harness = useSlackApp(
    {
      UPAT: profile('pat@platform.example.com', 'Pat Platform'),
      U0ANA: profile('ana.ccoe@example.com', 'Ana Ccoe'),
      U0BEN: profile('ben.ccoe@example.com', 'Ben Ccoe'),
      U0SEC: profile('sec@example.com', 'Sec Urity'),
      U0SAM: profile('sam.sec@example.com', 'Sam Sec'),
    },
    { APPROVAL_POLICY: join(__dirname, '..', '..', 'manifest', 'approval-policy.example.yml'), APPROVERS: 'U0ANA,U0BEN' },
  );
  beforeAll(() => ({ running, slack } = harness));

  let n = 0;
  async function fileProduction(): Promise<{ request: AccountRequest; where: { channel: string; ts: string } }> {
    const name = `prod-team-${++n}`;
    const res = await interaction(
      running.baseUrl,
      viewSubmission('UPAT', 'vend_account_modal', {
        accountName: textValue(name),
        accountType: selected('Production'),
        accountEmail: emailValue(`${name}@example.com`),
        accountOU: selected('Demos'),
      }),
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    await running.settle();
    const request = (await running.app.core.requestsOf('pat@platform.example.com')).find((r) => r.account.name === name)!;
    const [channel, ts] = (await running.app.core.lookUp(request.id)).annotations!['slack.approval-message'].split(' ');
    return { request, where: { channel, ts } };
  }
  const click = (user: string, request: AccountRequest, where: { channel: string; ts: string }) =>
    interaction(running.baseUrl, buttonClick(user, 'approve_request', request.id, where));
  const messageAbout = (request: AccountRequest) =>
    [...slack.of('chat.postMessage'), ...slack.of('chat.update')]
      // The approvers' channel message, not the requester's DMs (posted to a user id).
      .filter((m) => !String(m.channel).startsWith('U') && JSON.stringify(m.blocks ?? '').includes(request.id))
      .at(-1)!;
  const text = (m: Record<string, any>) => JSON.stringify(m.blocks);

  it('shows the stages and tags only the current stage; a later stage cannot decide yet', async () => {
    const { request, where } = await fileProduction();
    const posted = messageAbout(request);
    expect(text(posted)).toContain('Stage 1 · ccoe');
    expect(text(posted)).toContain('Stage 2 · security (all)');
    expect(text(posted)).toContain('Waiting for: <@U0ANA> <@U0BEN>');
    expect(text(posted)).not.toContain('<@U0SEC>');

    slack.reset();
    await click('U0SEC', request, where);
    await running.settle();
    expect(slack.of('chat.postEphemeral')).toEqual([
      expect.objectContaining({ user: 'U0SEC', text: expect.stringContaining('Your turn comes at stage 2') }),
    ]);
    expect((await running.app.core.lookUp(request.id)).approval!.stages[0].approvals).toEqual([]);
  });

  it('moves to stage 2 when ccoe approves, tags security, and approves once all of security did', async () => {
    const { request, where } = await fileProduction();
    await click('U0ANA', request, where);
    await running.settle();
    const afterStage1 = messageAbout(request);
    expect(text(afterStage1)).toContain('Stage 1 · ccoe · approved by <@U0ANA>');
    expect(text(afterStage1)).toContain('Waiting for: <@U0SEC> <@U0SAM>');
    expect(afterStage1.blocks.some((b: any) => b.type === 'actions')).toBe(true);

    await click('U0SEC', request, where);
    await running.settle();
    expect((await running.app.core.lookUp(request.id)).status).toBe('PENDING_APPROVAL');
    expect(text(messageAbout(request))).toContain('Waiting for: <@U0SAM>');

    await click('U0SAM', request, where);
    const done = await eventually(async () => (await running.app.core.lookUp(request.id)).status === 'SUCCEEDED');
    expect(done).toBe(true);
    await running.settle();
    const last = messageAbout(request);
    expect(text(last)).toContain('Stage 2 · security (all) · approved by <@U0SEC>, <@U0SAM>');
    expect(last.blocks.some((b: any) => b.type === 'actions')).toBe(false);
  });

  it('lists a request in the Home tab only for the people its current stage waits for', async () => {
    const { request, where } = await fileProduction();
    const home = async (user: string) => {
      slack.reset();
      await sendEvent(running.baseUrl, eventCallback({ type: 'app_home_opened', user, tab: 'home', channel: `D${user}` }));
      await running.settle();
      return JSON.stringify(slack.of('views.publish').at(-1)?.view ?? {});
    };
    expect(await home('U0BEN')).toContain(request.id);
    expect(await home('U0SEC')).not.toContain(request.id);
    await click('U0BEN', request, where);
    await running.settle();
    expect(await home('U0BEN')).not.toContain(request.id);
    expect(await home('U0SEC')).toContain(request.id);
  });

  it('tells the requester in the modal who decides on what', async () => {
    slack.reset();
    await interaction(running.baseUrl, buttonClick('UPAT', 'open_vend_modal', 'x', { channel: 'DUPAT', ts: '1.1' }));
    await running.settle();
    const modal = JSON.stringify(slack.of('views.open').at(-1)?.view ?? {});
    expect(modal).toContain('Who decides');
    expect(modal).toContain('Production: ccoe, then all of security');
    expect(modal).toContain('Sandbox in Experiment, asked by platform: approved by policy');
  });
});
