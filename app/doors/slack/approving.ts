import * as z from 'zod';
import { DomainError, TransitionConflictError, ValidationError } from '../../core/errors';
import { type ClickBody, refreshHome, tellClicker } from './clicks';
import type { SlackListenerDeps } from './context';
import { esc } from './format';
import { parseMetadata } from './payloads';
import { denyModal, ids, noticeModal } from './views';

/** What the deny button puts in the deny modal's private_metadata. */
const denyMetadata = z.object({ requestId: z.string().max(100), home: z.boolean().optional() });

/**
 * Approver buttons (in the approvers' channel and on the Home tab) and the deny-reason modal.
 * Who may decide is the core's rule; a refused or late click gets an ephemeral explanation and
 * changes nothing. The message itself is updated by the SlackApprovalMessage effect.
 */
export function registerApproving(deps: SlackListenerDeps): void {
  const { app, core, directory } = deps;

  const tell = (body: ClickBody, text: string) => tellClicker(deps, body, text);

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
    await refreshHome(deps, click);
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
