import type { SlackListenerDeps } from './context';
import { esc } from './format';

/** What a button click carries that the listeners use. */
export interface ClickBody {
  user: { id: string };
  trigger_id: string;
  /** Unique per click: names the notice a click may cause, so it is posted once. */
  action_ts?: string;
  actions?: Array<{ action_ts?: string; value?: string }>;
  channel?: { id: string };
  view?: { type: string };
}

/** Tells the clicker privately (durably): ephemeral in the channel, or a DM when clicked on the Home tab. */
export function tellClicker(deps: Pick<SlackListenerDeps, 'reply'>, body: ClickBody, text: string): Promise<void> {
  const click = body.actions?.[0]?.action_ts ?? body.trigger_id;
  const where = body.channel?.id ? { channel: body.channel.id, user: body.user.id } : { channel: body.user.id };
  return deps.reply(`slack-notice:${body.user.id}:${click}`, { ...where, text: esc(text) });
}

/** Re-renders the clicker's Home tab when the click came from it. */
export const refreshHome = (deps: Pick<SlackListenerDeps, 'publishHome'>, body: ClickBody): Promise<void> =>
  body.view?.type === 'home' ? deps.publishHome(body.user.id) : Promise.resolve();
