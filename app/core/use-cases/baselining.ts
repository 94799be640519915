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
 * with one pending step per configured part; each step is an effect of its own (retried with
 * backoff, idempotent), whose outcome is recorded on the request; when the last step is settled
 * the request SUCCEEDS and its owner hears it is ready. A step given up leaves the account
 * usable, and the approvers are told what is missing.
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

  targets(event: string, request: AccountRequest): Array<string | undefined> {
    return event === 'provisioned' ? (request.baseline?.steps ?? []).map((s) => s.step) : [];
  }

  async run(effect: Effect, request?: AccountRequest): Promise<void> {
    const accountId = request?.provisioning?.accountId;
    if (request?.status !== 'PROVISIONING' || !request.baseline || !accountId) return;
    const step = request.baseline.steps.find((s) => s.step === effect.target);
    // Done already (a repeated effect): only the request's completion may be left.
    if (step?.state !== 'pending') return void (await this.finish(request));
    const work = baselineWork(this.config, request, accountId).find((w) => w.step === step.step);
    let outcome: BaselineStep;
    try {
      outcome = {
        step: step.step,
        state: 'done',
        detail: work ? await this.carryOut(accountId, work) : 'nothing to do',
        ...(work?.step === 'tags' ? { tags: work.tags } : {}),
      };
    } catch (err) {
      const tries = effect.attempts + 1;
      if (!(err instanceof BaselineRejectedError) && tries < STEP_TRIES) throw err; // retried with backoff
      const reason = (err as Error)?.message ?? String(err);
      this.log.warn({ requestId: request.id, step: step.step, tries, err }, 'baseline step given up; the account is usable without it');
      outcome = {
        step: step.step,
        state: 'failed',
        detail: `${reason}${err instanceof BaselineRejectedError ? '' : ` (after ${tries} tries)`}`,
      };
    }
    await this.record(request, { ...outcome, at: this.clock.now().toISOString() });
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

  /** Records a step's outcome; the write that settles the last step completes the request. */
  private async record(request: AccountRequest, outcome: BaselineStep): Promise<void> {
    const updated = await this.transitions.apply(request, 'baseline-step', SYSTEM, {
      patch: (current) => ({ baseline: withStep(current.baseline as BaselineRecord, outcome) }),
      reason: `Baseline: ${STEP_WORDS[outcome.step]} ${outcome.state}${outcome.detail ? ` (${outcome.detail})` : ''}`.slice(0, 1000),
    });
    await this.finish(updated);
  }

  /** The request SUCCEEDS once every step is settled; whoever sees that first writes it, once. */
  private async finish(request: AccountRequest): Promise<void> {
    if (request.status !== 'PROVISIONING' || !request.baseline || !isSettled(request.baseline)) return;
    const missing = failedSteps(request.baseline).map((s) => STEP_WORDS[s.step]);
    try {
      await this.transitions.apply(request, 'succeed', SYSTEM, {
        patch: readyPatch(request, this.clock.now()),
        reason: `Account ${request.provisioning?.accountId} ready${missing.length ? `; baseline incomplete: ${missing.join(', ')}` : ''}`,
      });
    } catch (err) {
      if (!(err instanceof TransitionConflictError)) throw err;
    }
  }
}
