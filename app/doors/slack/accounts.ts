import { DomainError, ValidationError } from '../../core/errors';
import type { AccountAsk } from '../../core/use-cases/account-life';
import { type AccountAction, accountIds, accountModal } from './account-views';
import { type ClickBody, refreshHome, tellClicker } from './clicks';
import type { SlackListenerDeps } from './context';

const ASKS: Record<AccountAction, (values: Record<string, string | undefined>) => AccountAsk> = {
  move: (v) => ({ kind: 'move-account', ou: v.ou ?? '' }),
  close: () => ({ kind: 'close-account' }),
  extend: (v) => ({ kind: 'extend-lease', days: Number(v.days ?? Number.NaN) }),
};

/**
 * "My accounts" buttons: Move, Close and Extend open a modal (what it needs, and a reason); its
 * submission is a request of the core, through the policy. Who may ask is the core's rule; a
 * refusal is shown on the modal, and the requester hears about the request at each step as usual.
 */
export function registerAccounts(deps: SlackListenerDeps): void {
  const { app, core, directory } = deps;

  for (const action of ['move', 'close', 'extend'] as const) {
    app.action(accountIds[action], async ({ ack, body, client, action: clicked }) => {
      await ack();
      const click = body as unknown as ClickBody;
      try {
        const account = await core.account((clicked as { value?: string }).value ?? '');
        await client.views.open({ trigger_id: click.trigger_id, view: accountModal(action, account, deps.organizationalUnits) });
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        await tellClicker(deps, click, err.message);
      }
    });
  }

  app.view(accountIds.modal, async ({ ack, body, view }) => {
    const { action, accountId } = JSON.parse(view.private_metadata || '{}') as { action?: AccountAction; accountId?: string };
    const values = view.state?.values ?? {};
    const field = (f: string) => {
      const v = values[f]?.value;
      return (v?.selected_option?.value ?? v?.value ?? undefined) || undefined;
    };
    if (!action || !ASKS[action] || !accountId) return void (await ack());
    try {
      const requester = await directory.requester(body.user.id);
      const actor = await directory.actor(body.user.id);
      const request = await core.askAboutAccount(
        accountId,
        ASKS[action]({ ou: field('ou'), days: field('days') }),
        { requester, reason: field('reason') ?? '' },
        actor,
      );
      await ack();
      await tellClicker(
        deps,
        { user: body.user, trigger_id: request.id },
        `Request ${request.id} is filed; the approvers decide, and I will tell you how it goes.`,
      );
      await refreshHome(deps, { user: body.user, trigger_id: request.id, view: { type: 'home' } });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      // A field's problem on its field; anything else (who may ask, the account's state) on the reason.
      const block = err instanceof ValidationError && ['ou', 'days', 'reason'].includes(err.field) ? err.field : 'reason';
      await ack({ response_action: 'errors', errors: { [block]: err.message } });
    }
  });
}
