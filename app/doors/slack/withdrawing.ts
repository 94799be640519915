import { DomainError } from '../../core/errors';
import { type ClickBody, refreshHome, tellClicker } from './clicks';
import type { SlackListenerDeps } from './context';
import { ids } from './views';

/**
 * The requester's own buttons (in their DMs and on the Home tab): Cancel a request still waiting,
 * Retry one that failed (unchanged; corrections go through REST or the conversation). Who may is
 * the core's rule; a refused or late click is told why privately and changes nothing.
 */
export function registerWithdrawing(deps: SlackListenerDeps): void {
  const { app, core, directory } = deps;

  app.action(ids.cancel, async ({ ack, body, action }) => {
    await ack();
    const click = body as unknown as ClickBody;
    const requestId = (action as { value?: string }).value ?? '';
    try {
      const request = await core.cancel(requestId, await directory.actor(click.user.id));
      await tellClicker(deps, click, `Request ${request.id} (${request.account.name}) is cancelled; the approvers' message says so.`);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      await tellClicker(deps, click, err.message);
    }
    await refreshHome(deps, click);
  });

  app.action(ids.retry, async ({ ack, body, action }) => {
    await ack();
    const click = body as unknown as ClickBody;
    const requestId = (action as { value?: string }).value ?? '';
    try {
      const { request } = await core.retry(requestId, await directory.actor(click.user.id));
      await tellClicker(
        deps,
        click,
        `Request ${request.id} (${request.account.name}) is back in the provisioning queue (attempt ${(request.retries ?? 0) + 1}). I will tell you how it goes.`,
      );
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      await tellClicker(deps, click, err.message);
    }
    await refreshHome(deps, click);
  });
}
