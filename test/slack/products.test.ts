import { eventually, type RunningApp } from '../support/app';
import { buttonClick, type FakeSlack, interaction, selected, slashCommand, textValue, useSlackApp, viewSubmission } from '../support/slack';

/** /vend-product: pick a product, then its parameters typed from their constraints, errors on their inputs, and the approvers' message. */
describe('Slack door: product vending', () => {
  let running: RunningApp;
  let slack: FakeSlack;
  const harness = useSlackApp(
    {
      UJANE: { email: 'jane@example.com', real_name: 'Jane Doe', first_name: 'Jane', last_name: 'Doe' },
      UBOSS: { email: 'boss@example.com', real_name: 'Bo Boss', first_name: 'Bo', last_name: 'Boss' },
    },
    { APPROVER_EMAILS: 'boss@example.com' },
  );
  beforeAll(() => ({ running, slack } = harness));
  const BUCKET = 'prod-cd79omu7mhoqz';
  const number = (value: string) => ({ type: 'number_input', value });

  it('opens the catalog, pushes the parameters view, shows a broken constraint on its input, and files the request', async () => {
    expect((await slashCommand(running.baseUrl, 'UJANE', '', '/vend-product')).status).toBe(200);
    const pick = await eventually(async () => slack.of('views.open').at(-1)?.view);
    expect(JSON.stringify(pick)).toContain('Encrypted S3 bucket');

    const pushed = await interaction(running.baseUrl, viewSubmission('UJANE', pick.callback_id, { product: selected(BUCKET) }));
    const push = (await pushed.json()) as any;
    expect(push.response_action).toBe('push');
    const blocks = push.view.blocks as any[];
    const block = (key: string) => blocks.find((b) => b.block_id === `param:${key}`);
    expect(block('Versioning').element).toMatchObject({ type: 'static_select', initial_option: { value: 'Enabled' } });
    expect(block('RetentionDays').element).toMatchObject({ type: 'number_input', min_value: '1', max_value: '3650' });
    expect(block('BucketSuffix').optional).toBeFalsy();
    expect(block('BucketSuffix').hint.text).toMatch(/lower-case|letters/i);
    expect(block('RetentionDays').optional).toBe(true);

    const submit = (suffix: string) =>
      interaction(
        running.baseUrl,
        viewSubmission(
          'UJANE',
          push.view.callback_id,
          {
            'param:BucketSuffix': textValue(suffix),
            'param:RetentionDays': number('30'),
            'param:Versioning': selected('Suspended'),
            reason: textValue('logs'),
          },
          push.view.private_metadata,
        ),
      );
    const refused = (await (await submit('Not_Valid')).json()) as any;
    expect(refused.response_action).toBe('errors');
    expect(Object.keys(refused.errors)).toEqual(['param:BucketSuffix']);
    expect((await running.app.core.requestsOf('jane@example.com')).filter((r) => r.kind === 'product')).toEqual([]);

    expect(((await (await submit('team-logs')).json()) as any).response_action).toBe('clear');
    const request = (await running.app.core.requestsOf('jane@example.com')).find((r) => r.kind === 'product');
    expect(request?.product?.parameters).toEqual({
      BucketSuffix: 'team-logs',
      RetentionDays: '30',
      Versioning: 'Suspended',
      KmsKeyAlias: 'alias/aws/s3',
    });
    const post = await eventually(async () =>
      slack
        .of('chat.postMessage')
        .find((m) => m.channel === 'C0APPROVALS' && JSON.stringify(m.blocks ?? '').includes('Encrypted S3 bucket')),
    );
    expect(JSON.stringify(post.blocks)).toContain('RetentionDays = `30`');

    // Approved and launched: the requester's DM has the outputs and a Terminate button, which asks why and files a termination.
    const id = request?.id as string;
    await running.app.core.decide(id, 'approve', { id: 'boss@example.com', email: 'boss@example.com', door: 'email-link' });
    const dm = await eventually(async () => {
      await running.app.core.tend();
      return slack.of('chat.postMessage').find((m) => m.channel === 'UJANE' && String(m.text).includes('Done: product'));
    });
    expect(String(dm.text)).toMatch(/BucketName = \S*team-logs/);
    const button = dm.blocks.find((b: any) => b.type === 'actions').elements[0];
    expect(button).toMatchObject({ action_id: 'terminate_product', value: id });
    await interaction(running.baseUrl, buttonClick('UJANE', 'terminate_product', id, { channel: 'DUJANE', ts: '1700000000.000200' }));
    const modal = await eventually(async () => slack.of('views.open').find((v) => v.view.callback_id === 'terminate_product_modal')?.view);
    const filed = await interaction(
      running.baseUrl,
      viewSubmission('UJANE', modal.callback_id, { reason: textValue('logs moved') }, modal.private_metadata),
    );
    expect(await filed.text()).toBe('');
    const termination = (await running.app.core.requestsOf('jane@example.com')).find((r) => r.kind === 'terminate-product');
    expect(termination).toMatchObject({ status: 'PENDING_APPROVAL', product: { terminates: id } });
  });
});
