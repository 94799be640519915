import { z } from 'zod';
import { DomainError, TransitionConflictError, ValidationError } from '../../core/errors';
import type { SlackListenerDeps } from './context';
import { esc } from './format';
import { parseMetadata } from './payloads';
import { denyModal, ids, noticeModal } from './views';

/** What the deny button puts in the deny modal's private_metadata. */
const denyMetadata = z.object({ requestId: z.string().max(100), home: z.boolean().optional() });

interface ClickBody {
  user: { id: string };
  trigger_id: string;
  /** Unique per click: names the notice a click may cause, so it is posted once. */
  action_ts?: string;
  actions?: Array<{ action_ts?: string }>;
  channel?: { id: string };
  view?: { type: string };
}

/**
 * Approver buttons (in the approvers' channel and on the Home tab) and the deny-reason modal.
 * Who may decide is the core's rule; a refused or late click gets an ephemeral explanation and
 * changes nothing. The message itself is updated by the SlackApprovalMessage effect.
 */
export function registerApproving(deps: SlackListenerDeps): void {
  const { app, core, directory } = deps;

  /** Tells the clicker privately (durably): ephemeral in the channel, or a DM when clicked on the Home tab. */
  const tell = async (body: ClickBody, text: string) => {
    const click = body.actions?.[0]?.action_ts ?? body.trigger_id;
    const where = body.channel?.id ? { channel: body.channel.id, user: body.user.id } : { channel: body.user.id };
    await deps.reply(`slack-notice:${body.user.id}:${click}`, { ...where, text: esc(text) });
  };
  const refreshHome = (body: ClickBody) => (body.view?.type === 'home' ? deps.publishHome(body.user.id) : Promise.resolve());

  app.action(ids.approve, async ({ ack, body, action }) => {
    await ack();
    const click = body as unknown as ClickBody;
    const requestId = (action as { value?: string }).value ?? '';
    try {
      await core.decide(requestId, 'approve', await directory.actor(click.user.id));
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      await tell(click, err.message);
    }
    await refreshHome(click);
  });

  app.action(ids.deny, async ({ ack, body, action, client }) => {
    await ack();
    const click = body as unknown as ClickBody;
    const requestId = (action as { value?: string }).value ?? '';
    try {
      const request = await core.mayDecide(requestId, await directory.actor(click.user.id));
      if (request.status !== 'PENDING_APPROVAL') throw new TransitionConflictError(request, ['PENDING_APPROVAL']);
      await client.views.open({
        trigger_id: click.trigger_id,
        view: denyModal(request, JSON.stringify({ requestId, home: click.view?.type === 'home' })),
      });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      await tell(click, err.message);
    }
  });

  app.view(ids.denyModal, async ({ ack, body, view }) => {
    const metadata = parseMetadata(denyMetadata, view.private_metadata);
    if (!metadata)
      return void (await ack({
        response_action: 'update',
        view: noticeModal('Nothing changed', 'This form is not one the bot opened, so nothing was decided.'),
      }));
    const { requestId, home } = metadata;
    const reason = String(view.state?.values?.reason?.value?.value ?? '');
    try {
      await core.decide(requestId, 'deny', await directory.actor(body.user.id), reason);
      await ack();
    } catch (err) {
      if (err instanceof ValidationError) return void (await ack({ response_action: 'errors', errors: { reason: err.message } }));
      if (!(err instanceof DomainError)) throw err;
      await ack({ response_action: 'update', view: noticeModal('Nothing changed', esc(err.message)) });
    }
    if (home) await deps.publishHome(body.user.id);
  });
}
