import type { WebClient } from '@slack/web-api';
import type { SlackListenerDeps } from './context';
import { homeTab } from './views';

/** The Home tab: "My requests", "My accounts", and for approvers "Waiting for your decision". */
export function homePublisher(deps: Omit<SlackListenerDeps, 'publishHome'>, client: WebClient) {
  return async (userId: string): Promise<void> => {
    const actor = await deps.directory.actor(userId);
    const requester = await deps.directory.requester(userId).catch(() => undefined);
    const mine = requester ? await deps.core.requestsOf(requester.email, 20) : [];
    const waiting = (await deps.core.isApprover(actor)) ? await deps.core.waitingFor(actor) : undefined;
    const accounts = requester ? await deps.core.accountsOf(requester.email) : [];
    await client.views.publish({ user_id: userId, view: homeTab({ mine, waiting, accounts, sandbox: deps.sandbox }) });
  };
}

export function registerHome(deps: SlackListenerDeps): void {
  deps.app.event('app_home_opened', async ({ event }) => {
    if (event.tab !== 'home') return;
    await deps.publishHome(event.user);
  });
}
