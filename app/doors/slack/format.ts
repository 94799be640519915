import type { Actor } from '../../core/request/account-request';

/** Slack mrkdwn needs &, < and > escaped in anything a person typed. */
export const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A person as Slack shows them: a mention for Slack users, their name or address otherwise. */
export const who = (actor: Actor): string => (actor.door === 'slack' ? `<@${actor.id}>` : esc(actor.name ?? actor.email ?? actor.id));

/** A time each reader sees in their own time zone, with the ISO time as fallback. */
export const when = (iso: string): string => `<!date^${Math.floor(Date.parse(iso) / 1000)}^{date_short_pretty} at {time}|${iso}>`;
