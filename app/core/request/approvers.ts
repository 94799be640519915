import { ForbiddenError } from '../errors';
import type { AccountRequest, Actor } from './account-request';

/**
 * Who may decide on a request: configured approvers only (Slack user ids, e-mail addresses), and
 * never the requester, even when they are an approver.
 */
export class ApproverPolicy {
  private readonly emails: Set<string>;
  private readonly slackUsers: Set<string>;

  constructor(approvers: { emails: readonly string[]; slackUserIds?: readonly string[] }) {
    this.emails = new Set(approvers.emails.map((e) => e.toLowerCase()));
    this.slackUsers = new Set(approvers.slackUserIds ?? []);
  }

  /** Throws ForbiddenError saying why the actor may not decide on this request. */
  assertMayDecide(actor: Actor, request: AccountRequest): void {
    if (actor.door === 'system') return;
    if (isRequester(actor, request)) throw new ForbiddenError('You cannot decide on your own request; another approver must.');
    if (!this.isApprover(actor)) throw new ForbiddenError(`${actor.name ?? actor.id} is not an approver for account requests.`);
  }

  isApprover(actor: Actor): boolean {
    if (actor.door === 'slack') return this.slackUsers.has(actor.id);
    if (actor.door === 'email-link') return !!actor.email && this.emails.has(actor.email.toLowerCase());
    return false;
  }

  /** The addresses to ask for a decision on this request (the requester is left out). */
  approverEmailsFor(request: AccountRequest): string[] {
    const requester = request.requester.email.toLowerCase();
    return [...this.emails].filter((e) => e !== requester);
  }
}

export function isRequester(actor: Actor, request: AccountRequest): boolean {
  const r = request.requester;
  return (!!actor.email && actor.email.toLowerCase() === r.email.toLowerCase()) || (actor.door === 'slack' && actor.id === r.slackUserId);
}
