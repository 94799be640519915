import { DuplicateConfirmationError, DuplicateRequestError, ForbiddenError, TransitionConflictError, ValidationError } from '../errors';
import type { Logger } from '../ports/logger';
import type { AccountRequest, Actor } from '../request/account-request';
import { isRequester } from '../request/approvers';
import { resolveOu } from '../request/organizational-units';
import { accountNameSchema, check, emailSchema } from '../request/validation';
import type { Deciding } from './deciding';
import type { Transitions } from './transitions';
import type { VendingPolicy, VendingService } from './vending-service';

/** What a retry corrects; whatever is absent stays as it was. */
export interface RetryChanges {
  accountEmail?: string;
  accountName?: string;
  ou?: string;
}

/** A retry's result: the same request back in the queue, or a new request that corrects it. */
export interface RetryOutcome {
  request: AccountRequest;
  /** True when the changed details made a new request (with its own approvals). */
  created: boolean;
}

/**
 * Retrying a FAILED request, by its requester or an approver. Unchanged details go back to the
 * provisioning queue as a new attempt of the same request (its own provision token, no new
 * approval). Changed details make a new request, which goes through the approval policy like
 * any other and names the one it corrects; the failed one names it back, so it is retried once.
 */
export class Retrying {
  constructor(
    private readonly service: VendingService,
    private readonly transitions: Transitions,
    private readonly deciding: Deciding,
    private readonly policy: VendingPolicy,
    private readonly log: Logger,
  ) {}

  async retry(id: string, actor: Actor, changes: RetryChanges = {}): Promise<RetryOutcome> {
    const request = await this.service.get(id);
    if (!isRequester(actor, request) && !(await this.deciding.couldApprove(actor))) {
      throw new ForbiddenError('Only the requester or an approver can retry a request.');
    }
    // Only a failure can be retried, and once: a corrected request names the one it replaced.
    if (request.status !== 'FAILED' || request.retriedAs) throw new TransitionConflictError(request, ['FAILED']);
    const changed = this.changesOf(request, changes);
    if (changed.length === 0) return { request: await this.again(request, actor), created: false };
    // Corrections make a new account request; any other kind is asked for again as itself.
    if (request.kind !== 'new-account')
      throw new ValidationError(
        changed[0] === 'OU' ? 'ou' : 'accountEmail',
        `A ${request.kind} request is retried as it is; to change its ${changed.join(', ')}, ask again.`,
      );
    return { request: await this.corrected(request, actor, changes, changed), created: true };
  }

  /** The same details once more: a new attempt, with the last failure named in the audit. */
  private again(request: AccountRequest, actor: Actor): Promise<AccountRequest> {
    const attempt = (request.retries ?? 0) + 2;
    const lastFailure = request.provisioning?.failureReason;
    return this.transitions.apply(request, 'retry', actor, {
      patch: { retries: attempt - 1 },
      reason: `Attempt ${attempt}, with the same details${lastFailure ? ` (the last one failed: ${lastFailure})` : ''}`,
      once: true,
    });
  }

  /** Changed details: a new request through the policy; then the failed one points at it. */
  private async corrected(request: AccountRequest, actor: Actor, changes: RetryChanges, changed: string[]): Promise<AccountRequest> {
    const a = request.account;
    let created: AccountRequest;
    try {
      created = await this.service.createRequest(
        {
          requester: request.requester,
          accountType: a.type,
          accountEmail: changes.accountEmail ?? a.email,
          accountOU: changes.ou ?? a.ou.name,
          ...(changes.accountName ? { accountName: changes.accountName } : {}),
          ...(request.reason ? { reason: request.reason } : {}),
          sso: a.sso,
          retryOf: request.id,
        },
        actor,
        // One correction per failed request, however often (or concurrently) it is asked for.
        { confirmationKey: `retry:${request.id}` },
      );
    } catch (err) {
      // A concurrent retry of the same request won: its correction is this one's too.
      const winner = err instanceof DuplicateConfirmationError || err instanceof DuplicateRequestError ? err.existingId : undefined;
      const existing = winner ? await this.service.get(winner) : undefined;
      if (existing?.retryOf !== request.id) throw err;
      created = existing;
    }
    await this.transitions
      .apply(request, 'retried-as', actor, {
        patch: { retriedAs: created.id },
        reason: `Retried as ${created.id} with a changed ${changed.join(', ')}`,
      })
      .catch((err) => {
        // Another retry of the same request already pointed it at the correction.
        if (!(err instanceof TransitionConflictError)) throw err;
      });
    this.log.info({ requestId: request.id, retriedAs: created.id, changed }, 'failed request retried as a new request');
    return created;
  }

  /** Which details the retry changes (compared as the core stores them). */
  private changesOf(request: AccountRequest, changes: RetryChanges): string[] {
    const a = request.account;
    const changed: string[] = [];
    if (
      changes.accountEmail !== undefined &&
      check(emailSchema, 'accountEmail', changes.accountEmail).toLowerCase() !== a.email.toLowerCase()
    )
      changed.push('account e-mail');
    if (changes.accountName !== undefined && check(accountNameSchema, 'accountName', changes.accountName) !== a.name)
      changed.push('account name');
    if (changes.ou !== undefined && resolveOu(changes.ou, this.policy.organizationalUnits).name !== a.ou.name) changed.push('OU');
    return changed;
  }
}
