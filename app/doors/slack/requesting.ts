import { randomUUID } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import { DomainError, ValidationError } from '../../core/errors';
import { accountsText } from './account-views';
import type { SlackListenerDeps } from './context';
import { esc } from './format';
import { conversationPlace } from './slack-effects';
import { formFallback, ids, REQUEST_FIELDS, type RequestField, requestModal } from './views';

const HELP = [
  '*/vend-account* opens a form to request a new AWS account.',
  '*/vend-account status* lists your requests and where they are.',
  '*/vend-account accounts* lists the accounts I vended for you (move, close or extend them from my Home tab).',
  '*/vend-account help* shows this.',
  '*/vend-account* followed by anything else, a direct message to me, or an @mention starts a conversation, e.g. _/vend-account a sandbox account in Demos for team-aws@example.com_.',
].join('\n');

/**
 * Asking for an account in Slack: the slash command, the request modal, and free text (DMs and
 * @mentions). Everything here runs before Slack's acknowledgement (processBeforeResponse), and
 * each path is a few store reads/writes plus at most one or two Slack calls: well within 3 s.
 * Slower follow-up work (the approvers' post, DMs) runs as effects after the transition, not here.
 */
export function registerRequesting(deps: SlackListenerDeps): void {
  const { app, core, directory } = deps;

  const openRequestModal = async (client: WebClient, userId: string, triggerId: string) => {
    const requester = await directory.requester(userId);
    const suggestedName = await core.proposeAccountName('Sandbox', requester);
    // The trigger id lives 3 s: views.open comes first, before anything slow.
    await client.views.open({
      trigger_id: triggerId,
      view: requestModal({
        suggestedName,
        organizationalUnits: deps.organizationalUnits,
        sandbox: deps.sandbox,
        rules: core.approvalRules(),
      }),
    });
  };

  app.command('/vend-account', async ({ command, ack, client }) => {
    const text = (command.text ?? '').trim();
    const word = text.toLowerCase();
    try {
      if (!text) {
        await openRequestModal(client, command.user_id, command.trigger_id);
        return void (await ack());
      }
      if (word === 'help') return void (await ack({ response_type: 'ephemeral', text: HELP }));
      const requester = await directory.requester(command.user_id);
      if (word === 'status') return void (await ack({ response_type: 'ephemeral', text: esc(await core.statusOf(requester)) }));
      if (word === 'accounts')
        return void (await ack({ response_type: 'ephemeral', text: accountsText(await core.accountsOf(requester.email)) }));
      const reply = await core.converse('slack', requester, text);
      await ack({
        response_type: 'ephemeral',
        text: esc(reply.message),
        ...(reply.dialogUnavailable ? { blocks: formFallback(reply.message) } : {}),
      });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      await ack({ response_type: 'ephemeral', text: esc(err.message) });
    }
  });

  app.action(ids.openModal, async ({ ack, body, client }) => {
    await ack();
    try {
      await openRequestModal(client, body.user.id, (body as { trigger_id: string }).trigger_id);
    } catch (err) {
      // A profile the bot cannot file a request for (no e-mail): said privately, as a slash command says it.
      if (!(err instanceof DomainError)) throw err;
      const click = body as { trigger_id?: string; channel?: { id: string }; actions?: Array<{ action_ts?: string }> };
      const where = click.channel?.id ? { channel: click.channel.id, user: body.user.id } : { channel: body.user.id };
      await deps.reply(`slack-notice:${body.user.id}:${click.actions?.[0]?.action_ts ?? click.trigger_id}`, {
        ...where,
        text: esc(err.message),
      });
    }
  });

  app.view(ids.requestModal, async ({ ack, body, view }) => {
    const values = view.state?.values ?? {};
    const field = (f: RequestField) => {
      const v = values[f]?.value;
      return (v?.selected_option?.value ?? v?.value ?? undefined) || undefined;
    };
    try {
      const requester = await directory.requester(body.user.id);
      await core.ask(
        {
          requester,
          accountName: field('accountName') ?? '',
          accountType: field('accountType') ?? '',
          accountEmail: field('accountEmail') ?? '',
          accountOU: field('accountOU') ?? '',
          ...(field('reason') ? { reason: field('reason') } : {}),
          ...(field('costCentre') ? { tags: { 'cost-centre': field('costCentre') as string } } : {}),
        },
        { id: requester.id, name: `${requester.firstName} ${requester.lastName}`, email: requester.email, door: 'slack' },
      );
      await ack(); // closes the modal; the requester's DM with the summary follows as an effect
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      // Show the problem on its field; problems with the requester's own profile go on the first one.
      const field = err.field === 'tags' ? 'costCentre' : err.field;
      const block = (REQUEST_FIELDS as readonly string[]).includes(field) ? field : 'accountName';
      await ack({ response_action: 'errors', errors: { [block]: err.message } });
    }
  });

  /**
   * A DM or a mention is a conversation turn, stored as an effect before Slack is answered and
   * carried out after (see SlackTurn): Slack down (the profile lookup, the reply) delays the turn
   * and its reply instead of losing them, and the turns and replies of one conversation place (a
   * DM, a thread) keep their order.
   */
  const converse = (eventId: string, userId: string, text: string, where: { channel: string; thread_ts?: string }) =>
    deps.turnLater(conversationPlace(where), { eventId, userId, text, ...where });
  const eventIdOf = (body: unknown) => String((body as { event_id?: string }).event_id ?? randomUUID());

  app.event('message', async ({ event, body, context }) => {
    const e = event as { channel_type?: string; subtype?: string; bot_id?: string; user?: string; text?: string; channel: string };
    // Only people's own new messages in the bot's DM; edits, joins and bots (ourselves too) are not turns.
    if (
      e.channel_type !== 'im' ||
      e.subtype ||
      e.bot_id ||
      !e.user ||
      e.user === context.botUserId ||
      typeof e.text !== 'string' ||
      !e.text.trim()
    )
      return;
    await converse(eventIdOf(body), e.user, e.text, { channel: e.channel });
  });

  app.event('app_mention', async ({ event, body }) => {
    if (!event.user || typeof event.channel !== 'string') return;
    const text = String(event.text ?? '')
      .replace(/<@[A-Z0-9]+(\|[^>]*)?>/g, '')
      .trim();
    await converse(eventIdOf(body), event.user, text || 'help', { channel: event.channel, thread_ts: event.thread_ts ?? event.ts });
  });
}
