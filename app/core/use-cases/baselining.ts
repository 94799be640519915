import type { EffectHandler } from '../effects/dispatcher';
import { BaselineRejectedError, TransitionConflictError } from '../errors';
import type { AccountBaseline } from '../ports/account-baseline';
import type { Clock } from '../ports/clock';
import type { Effect } from '../ports/effects';
import type { Logger } from '../ports/logger';
import {
  type BaselineConfig,
  type BaselineRecord,
  type BaselineStep,
  baselineRecord,
  baselineWork,
  failedSteps,
  isSettled,
  STEP_WORDS,
  type StepWork,
  withStep,
} from '../request/account-baseline';
import { type AccountRequest, SYSTEM } from '../request/account-request';
import { readyPatch } from '../request/lease';
import type { Transitions } from './transitions';

/** A step that keeps failing is given up after this many tries; the account stays usable without it. */
export const STEP_TRIES = 5;

/**
 * The baseline after vending. When the factory reports an account, the request stays PROVISIONING
 * with one pending step per configured part, and one effect carries the steps out in order (each
 * idempotent). The happy path writes the request once more, when it SUCCEEDS with every step's
 * outcome: the request item is the largest the bot writes, and each write of it is paid by its
 * size. A step that fails for a while records the progress so far and its tries, and the effect is
 * retried with backoff from that step; a step given up after STEP_TRIES (or rejected) leaves the
 * account usable, and the approvers are told what is missing.
 */
export class Baselining implements EffectHandler {
  readonly name = 'baseline';

  constructor(
    private readonly config: BaselineConfig,
    private readonly port: AccountBaseline,
    private readonly transitions: Transitions,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** The record a request starts its baseline with, once its account exists. */
  plan(request: AccountRequest, accountId: string): BaselineRecord {
    return baselineRecord(this.port.kind, baselineWork(this.config, request, accountId));
  }

  // One effect for the whole baseline (earlier releases planned one per step, with the step as
  // its target: such an effect carries out whatever is still pending, the same way).
  targets(event: string, request: AccountRequest): Array<string | undefined> {
    return event === 'provisioned' && request.baseline?.steps.length ? [undefined] : [];
  }

  async run(_effect: Effect, request?: AccountRequest): Promise<void> {
    const accountId = request?.provisioning?.accountId;
    if (request?.status !== 'PROVISIONING' || !request.baseline || !accountId) return;
    const work = baselineWork(this.config, request, accountId);
    let record = request.baseline;
    for (const step of record.steps.filter((s) => s.state === 'pending')) {
      const stepWork = work.find((w) => w.step === step.step);
      let outcome: BaselineStep;
      try {
        outcome = {
          step: step.step,
          state: 'done',
          detail: stepWork ? await this.carryOut(accountId, stepWork) : 'nothing to do',
          ...(stepWork?.step === 'tags' ? { tags: stepWork.tags } : {}),
          ...(step.tries ? { tries: step.tries } : {}),
        };
      } catch (err) {
        const tries = (step.tries ?? 0) + 1;
        const reason = (err as Error)?.message ?? String(err);
        if (!(err instanceof BaselineRejectedError) && tries < STEP_TRIES) {
          // Kept, so that the retry starts at this step and counts its tries.
          await this.progress(
            request,
            withStep(record, { ...step, tries }),
            `${STEP_WORDS[step.step]} failed (try ${tries} of ${STEP_TRIES}): ${reason}`,
          );
          throw err; // retried with backoff
        }
        this.log.warn({ requestId: request.id, step: step.step, tries, err }, 'baseline step given up; the account is usable without it');
        outcome = {
          step: step.step,
          state: 'failed',
          detail: `${reason}${err instanceof BaselineRejectedError ? '' : ` (after ${tries} tries)`}`,
        };
      }
      record = withStep(record, { ...outcome, at: this.clock.now().toISOString() });
    }
    await this.finish(request, record);
  }

  private async carryOut(accountId: string, work: StepWork): Promise<string> {
    switch (work.step) {
      case 'tags':
        await this.port.tagAccount(accountId, work.tags);
        return Object.entries(work.tags)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ');
      case 'alternate-contacts':
        for (const { type, contact } of work.contacts) await this.port.putAlternateContact(accountId, type, contact);
        return work.contacts.map((c) => `${c.type.toLowerCase()}: ${c.contact.email}`).join(', ');
      case 'access':
        await this.port.grantAccess(accountId, work.grant);
        return `${work.grant.principal.type === 'USER' ? `user ${work.grant.principal.userName}` : `group ${work.grant.principal.groupId}`} with ${work.grant.permissionSetArn}`;
      case 'budget':
        await this.port.createBudget(accountId, work.budget);
        return `${work.budget.name}: ${work.budget.amountUsd} USD a month, alert at ${work.budget.alertAtPercent} % to ${work.budget.notify.join(', ')}`;
    }
  }

  /** Records the steps done so far, before a retry; a request no longer provisioning needs none. */
  private async progress(request: AccountRequest, record: BaselineRecord, reason: string): Promise<void> {
    try {
      await this.transitions.apply(request, 'baseline-step', SYSTEM, {
        patch: { baseline: record },
        reason: `Baseline: ${reason}`.slice(0, 1000),
      });
    } catch (err) {
      if (!(err instanceof TransitionConflictError)) throw err;
    }
  }

  /** The request SUCCEEDS with every step's outcome; whoever gets there first writes it, once. */
  private async finish(request: AccountRequest, record: BaselineRecord): Promise<void> {
    if (!isSettled(record)) return;
    const missing = failedSteps(record).map((s) => STEP_WORDS[s.step]);
    const steps = record.steps.map((s) => `${STEP_WORDS[s.step]} ${s.state}`).join(', ');
    try {
      await this.transitions.apply(request, 'succeed', SYSTEM, {
        patch: { ...readyPatch(request, this.clock.now()), baseline: record },
        reason: `Account ${request.provisioning?.accountId} ready; baseline: ${steps}${missing.length ? `; baseline incomplete: ${missing.join(', ')}` : ''}`,
      });
    } catch (err) {
      if (!(err instanceof TransitionConflictError)) throw err;
    }
  }
}
