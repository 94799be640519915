import { ForbiddenError, NotYourTurnError, RequestExpiredError, TransitionConflictError, ValidationError } from '../errors';
import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import type { RequestStore } from '../ports/requests';
import { type AccountRequest, type Actor, SYSTEM } from '../request/account-request';
import { type ApprovalPolicy, approversOf, CONFIGURED_APPROVERS, isAmong, type UsergroupMembers } from '../request/approval-policy';
import { type ApprovalRecord, asPerson, refusalOf, withApproval } from '../request/approval-stages';
import { isRequester } from '../request/approvers';
import { check, reasonSchema } from '../request/validation';
import type { Transitions } from './transitions';

/** How many times a decision is taken again on a fresh record after another decision won the race. */
const RACE_RETRIES = 8;

/**
 * Approvers decide, stage by stage, as the request's recorded approvals say: only the people of
 * the current stage, never the requester, one count per person. Every decision is a
 * compare-and-set on the request's version: of racing decisions each is taken again on the fresh
 * record (so one person counts once and a quorum is never overshot), and exactly one of them
 * completes a stage.
 */
export class Deciding {
  constructor(
    private readonly store: RequestStore,
    private readonly transitions: Transitions,
    private readonly policy: ApprovalPolicy,
    private readonly clock: Clock,
    private readonly pendingExpiryHours: number,
    private readonly log: Logger,
    private readonly usergroups?: UsergroupMembers,
  ) {}

  /** The approvals of a request; requests of an earlier release (no record) had one stage of the configured approvers. */
  approvalOf(request: AccountRequest): ApprovalRecord {
    return (
      request.approval ?? {
        rule: 'default',
        stages: [{ approvers: approversOf(this.policy, [CONFIGURED_APPROVERS]), quorum: 1, approvals: [] }],
        current: 0,
      }
    );
  }

  /** Throws unless `actor` may decide on `request` now (ForbiddenError, or NotYourTurnError for an approver of another stage). */
  async assertMayDecide(actor: Actor, request: AccountRequest): Promise<void> {
    if (actor.door === 'system') return;
    if (isRequester(actor, request)) throw new ForbiddenError('You cannot decide on your own request; another approver must.');
    if (request.status !== 'PENDING_APPROVAL') throw new TransitionConflictError(request, ['PENDING_APPROVAL']);
    const refusal = await refusalOf(this.approvalOf(request), actor, this.usergroups);
    if (refusal) throw refusal.approver ? new NotYourTurnError(refusal.message) : new ForbiddenError(refusal.message);
  }

  /**
   * An approval counts in its stage (approve-stage), completes it and asks the next one
   * (advance-stage), or completes the last (approve); a deny denies the request at any stage.
   */
  async decide(request: AccountRequest, outcome: 'approve' | 'deny', actor: Actor, reason?: string): Promise<AccountRequest> {
    const why = reason === undefined ? undefined : check(reasonSchema, 'reason', reason) || undefined;
    if (outcome === 'deny' && !why) throw new ValidationError('reason', 'A reason is required to deny a request');
    let current = request;
    for (let attempt = 1; ; attempt++) {
      await this.assertMayDecide(actor, current);
      try {
        const updated = await this.decideOnce(current, outcome, actor, why);
        this.log.info({ requestId: request.id, outcome, by: actor.id, door: actor.door, status: updated.status }, 'request decided');
        return updated;
      } catch (err) {
        if (err instanceof RequestExpiredError) await this.expire(err.current);
        // Another decision won the race but left the request pending: decide again on what it is now.
        const fresh = err instanceof TransitionConflictError ? err.current : undefined;
        if (fresh?.status !== 'PENDING_APPROVAL' || attempt >= RACE_RETRIES) throw err;
        current = fresh;
      }
    }
  }

  private decideOnce(request: AccountRequest, outcome: 'approve' | 'deny', actor: Actor, why?: string): Promise<AccountRequest> {
    const at = this.clock.now().toISOString();
    if (outcome === 'deny') {
      return this.transitions.apply(request, 'deny', actor, {
        patch: { decision: { outcome: 'denied', by: actor, at, reason: why } },
        reason: why,
        once: true,
      });
    }
    const { record, stageDone, allDone } = withApproval(this.approvalOf(request), actor, at, request.requester);
    if (allDone) {
      return this.transitions.apply(request, 'approve', actor, {
        patch: { approval: record, decision: { outcome: 'approved', by: actor, at } },
        reason: why,
        once: true,
      });
    }
    if (!stageDone)
      return this.transitions.apply(request, 'approve-stage', actor, { patch: { approval: record }, reason: why, once: true });
    // The next stage gets its own time to decide, and its own reminders.
    const expiresAt = new Date(this.clock.now().getTime() + this.pendingExpiryHours * 3_600_000).toISOString();
    return this.transitions.apply(request, 'advance-stage', actor, {
      patch: { approval: record, expiresAt, reminders: { count: 0, lastAt: at } },
      reason: `Stage ${record.current} approved; stage ${record.current + 1} asked`,
      once: true,
    });
  }

  /** Expires a request that a decision found past its time. */
  async expire(request: AccountRequest): Promise<void> {
    try {
      await this.transitions.apply(request, 'expire', SYSTEM, { reason: 'No decision before the request expired' });
    } catch (err) {
      if (!(err instanceof TransitionConflictError)) throw err;
    }
  }

  /** The pending requests whose current stage waits for `actor` (never their own), oldest first. */
  async waitingFor(actor: Actor, limit = 50): Promise<AccountRequest[]> {
    const pending = await this.store.listByStatus('PENDING_APPROVAL', 500);
    const mine: AccountRequest[] = [];
    for (const r of pending) {
      if (mine.length >= limit) break;
      if (isRequester(actor, r)) continue;
      if (!(await refusalOf(this.approvalOf(r), actor, this.usergroups))) mine.push(r);
    }
    return mine;
  }

  /** Whether `actor` is in any group the policy asks to approve (doors show approver views with this). */
  async couldApprove(actor: Actor): Promise<boolean> {
    const groups = [...new Set(this.policy.rules.flatMap((r) => r.stages.flatMap((s) => s.approvers)))];
    return isAmong(asPerson(actor), approversOf(this.policy, groups), this.usergroups);
  }
}
