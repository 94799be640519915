import type { AccountRequest, Actor } from './account-request';

/**
 * Who the requester of a request is, whatever door they use: the same e-mail, or the Slack user
 * who asked. The requester never approves their own request and is the only one who may cancel it.
 */
export function isRequester(actor: Actor, request: AccountRequest): boolean {
  const r = request.requester;
  return (!!actor.email && actor.email.toLowerCase() === r.email.toLowerCase()) || (actor.door === 'slack' && actor.id === r.slackUserId);
}
