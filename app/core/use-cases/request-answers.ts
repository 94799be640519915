import { STATUS_WORDS } from '../effects/messages';
import { DomainError, ForbiddenError, NotFoundError, TransitionConflictError } from '../errors';
import type { AccountRequest, DoorName, Requester } from '../request/account-request';
import type { Retrying } from './retrying';
import type { VendingService } from './vending-service';

/**
 * What the conversation says about requests already made: their status, withdrawing one, and
 * retrying a failed one, by id or (without one) the person's own latest. Every change goes
 * through the core's use cases, so the same rules hold as in every other door.
 */
/** The retry use case (retrying.ts), as the conversation uses it: the same details once more. */
export type RetryRequests = Pick<Retrying, 'retry'>;

export class RequestAnswers {
  constructor(
    private readonly service: VendingService,
    private readonly retrying?: RetryRequests,
  ) {}

  /** The requester's requests and where they are, in words. */
  async statusOf(requester: Requester): Promise<string> {
    const requests = await this.service.listForRequester(requester.email, 10);
    if (requests.length === 0) return `${requester.firstName}, you have no account requests yet. Say "new account" to ask for one.`;
    const lines = requests.map((r) => {
      const id = r.provisioning?.accountId ? `, account ${r.provisioning.accountId}` : '';
      return `- ${r.account.name} (${r.account.type}, ${r.account.ou.name}): ${STATUS_WORDS[r.status]}${id} [${r.id}]`;
    });
    return `${requester.firstName}, your requests:\n${lines.join('\n')}`;
  }

  /** One request by id, in plain words; the details only to its requester. */
  async statusOfOne(requester: Requester, id: string): Promise<string> {
    const r = await this.find(id);
    if (!r) return `${requester.firstName}, I found no request ${id}. Say "status" to see yours.`;
    if (!isTheirs(requester, r)) return `Request ${r.id} is ${STATUS_WORDS[r.status]}.`;
    const extra =
      r.status === 'SUCCEEDED' && r.provisioning?.accountId
        ? ` Its account id is ${r.provisioning.accountId}.`
        : r.status === 'FAILED'
          ? ` Why: ${r.provisioning?.failureReason ?? 'Account Factory reported a failure'}.`
          : r.status === 'DENIED' && r.decision?.reason
            ? ` Reason: ${r.decision.reason}.`
            : '';
    return `${requester.firstName}, request ${r.id} (${r.account.name}, ${r.account.type} in ${r.account.ou.name}) is ${STATUS_WORDS[r.status]}.${extra}`;
  }

  /** Withdraws the request named, or the person's one request waiting for approval; says which, by id. */
  async withdraw(door: DoorName, requester: Requester, id?: string): Promise<string> {
    const hi = requester.firstName;
    let target: AccountRequest | undefined;
    if (id) {
      target = await this.find(id);
      if (!target) return `${hi}, I found no request ${id}, so nothing was withdrawn. Say "status" to see your requests.`;
    } else {
      const waiting = (await this.service.listForRequester(requester.email, 50)).filter((r) => r.status === 'PENDING_APPROVAL');
      if (waiting.length === 0) return `${hi}, you have no request waiting for approval, so there is nothing to withdraw.`;
      if (waiting.length > 1) {
        const list = listOf(waiting);
        return `${hi}, you have ${waiting.length} requests waiting for approval:\n${list}\nSay "cancel <request id>" to withdraw one.`;
      }
      target = waiting[0];
    }
    const actor = { id: requester.id, name: `${requester.firstName} ${requester.lastName}`, email: requester.email, door };
    try {
      const done = await this.service.cancel(target.id, actor);
      return `Done, ${hi}: I have withdrawn request ${done.id} (${done.account.name}). Nothing will be provisioned.`;
    } catch (err) {
      if (err instanceof ForbiddenError) return `Request ${target.id} is not yours, ${hi}, so I cannot withdraw it.`;
      if (err instanceof TransitionConflictError) {
        return `Request ${target.id} can no longer be withdrawn, ${hi}: it is ${STATUS_WORDS[err.current.status]}.`;
      }
      if (err instanceof DomainError) return `I could not withdraw request ${target.id}: ${err.message}.`;
      throw err;
    }
  }

  /**
   * "Retry": the named request, or the person's one failed request, goes back to the Account
   * Factory with the same details (the retry use case: a new attempt, no new approval). Without
   * the use case (a core that does not offer it) this says so plainly; nothing is retried behind
   * the person's back either way.
   */
  async retry(door: DoorName, requester: Requester, id?: string): Promise<string> {
    const hi = requester.firstName;
    let target: AccountRequest | undefined;
    if (id) {
      target = await this.find(id);
      if (!target) return `${hi}, I found no request ${id}, so nothing was retried. Say "status" to see your requests.`;
    } else {
      const mine = await this.service.listForRequester(requester.email, 50);
      if (mine.length === 0) return `${hi}, you have no requests yet, so there is nothing to retry.`;
      const failed = mine.filter((r) => r.status === 'FAILED' && !r.retriedAs);
      if (failed.length > 1) {
        const list = listOf(failed);
        return `${hi}, ${failed.length} of your requests failed:\n${list}\nSay "retry <request id>" to retry one.`;
      }
      target = failed[0] ?? mine[0];
    }
    const r = target;
    if (r.status !== 'FAILED') return `Request ${r.id} (${r.account.name}) is ${STATUS_WORDS[r.status]}, ${hi}: there is nothing to retry.`;
    if (r.retriedAs) return `Request ${r.id} was already retried as ${r.retriedAs}, ${hi}. Say "status of ${r.retriedAs}" to see it.`;
    const why = r.provisioning?.failureReason ?? 'Account Factory reported a failure';
    if (!this.retrying) {
      return (
        `Request ${r.id} (${r.account.name}) failed: ${why}. ` +
        'Retrying from the conversation comes with the retry feature; until then an operator can retry it, or you can ask again ' +
        `with corrected details: say "new account".`
      );
    }
    const actor = { id: requester.id, name: `${requester.firstName} ${requester.lastName}`, email: requester.email, door };
    try {
      const { request } = await this.retrying.retry(r.id, actor);
      return `Done, ${hi}: request ${request.id} (${request.account.name}) is back in the queue for the Account Factory, with the same details. The last attempt failed: ${why}. I will tell you how it goes.`;
    } catch (err) {
      if (err instanceof ForbiddenError) return `Request ${r.id} is not yours, ${hi}, so I cannot retry it.`;
      if (err instanceof TransitionConflictError) {
        return `Request ${r.id} can no longer be retried, ${hi}: it is ${STATUS_WORDS[err.current.status]}.`;
      }
      if (err instanceof DomainError) return `I could not retry request ${r.id}: ${err.message}.`;
      throw err;
    }
  }

  private find(id: string): Promise<AccountRequest | undefined> {
    return this.service.get(id).catch((err) => (err instanceof NotFoundError ? undefined : Promise.reject(err)));
  }
}

const isTheirs = (requester: Requester, r: AccountRequest): boolean => r.requester.email.toLowerCase() === requester.email.toLowerCase();

/** Requests to choose from, one line each with the id to name. */
const listOf = (requests: AccountRequest[]): string =>
  requests.map((r) => `- ${r.account.name} (${r.account.type}, ${r.account.ou.name}) [${r.id}]`).join('\n');
