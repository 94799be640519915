import type { WebClient } from '@slack/web-api';
import { isRequester } from '../../core/request/approvers';
import type { SlackListenerDeps } from './context';
import { homeTab } from './views';

/** The Home tab: "My requests", and for approvers "Waiting for your decision". */
export function homePublisher(deps: Omit<SlackListenerDeps, 'publishHome'>, client: WebClient) {
  return async (userId: string): Promise<void> => {
    const actor = await deps.directory.actor(userId);
    const requester = await deps.directory.requester(userId).catch(() => undefined);
    const mine = requester ? await deps.service.listForRequester(requester.email, 20) : [];
    const waiting = deps.service.isApprover(actor)
      ? (await deps.service.listPending(50)).filter((r) => !isRequester(actor, r))
      : undefined;
    await client.views.publish({ user_id: userId, view: homeTab({ mine, waiting, sandbox: deps.sandbox }) });
  };
}

export function registerHome(deps: SlackListenerDeps): void {
  deps.app.event('app_home_opened', async ({ event }) => {
    if (event.tab !== 'home') return;
    await deps.publishHome(event.user);
  });
}
