import type { EffectHandler } from '../effects/dispatcher';
import { AccountStateError, DuplicateConfirmationError, TransitionConflictError } from '../errors';
import type { Clock } from '../ports/clock';
import type { Effect } from '../ports/effects';
import type { Logger } from '../ports/logger';
import type { RequestStore } from '../ports/requests';
import { type AccountRequest, SYSTEM } from '../request/account-request';
import { accountView, isGone } from '../request/account-view';
import { DAY_MS, extendedEnd, LEASE_END, LEASE_REMINDERS, leaseEndSetBy, leaseTimers } from '../request/lease';
import type { AccountLife } from './account-life';
import type { Transitions } from './transitions';

/**
 * Sandbox leases. The request that sets a lease's end (the one that made the account, or an
 * extension) plans its timers as effects due a week and a day before the end and at the end, so
 * they survive restarts and are carried out by the same dispatcher and sweep as everything else.
 * A timer of a lease that was extended or of an account that is closing does nothing; at the end,
 * the bot asks for the account to be closed by itself (actor: the system), through the policy.
 */
export class Leases implements EffectHandler {
  readonly name = 'lease';

  constructor(
    private readonly store: RequestStore,
    private readonly transitions: Transitions,
    private readonly life: AccountLife,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  targets(event: string, request: AccountRequest): Array<string | undefined> {
    const endsAt = event === 'succeed' ? leaseEndSetBy(request) : undefined;
    return endsAt ? leaseTimers(endsAt, this.clock.now()).map((t) => t.target) : [];
  }

  dueAt(_event: string, request: AccountRequest, target: string | undefined): string | undefined {
    const endsAt = leaseEndSetBy(request);
    return endsAt ? leaseTimers(endsAt, new Date(0)).find((t) => t.target === target)?.dueAt : undefined;
  }

  async run(effect: Effect, request?: AccountRequest): Promise<void> {
    const endsAt = request && leaseEndSetBy(request);
    if (!request?.accountId || !endsAt) return;
    const requests = await this.store.listByAccount(request.accountId, 100);
    const account = accountView(request.accountId, requests, this.clock.now());
    // Extended since (a later end), or closing already: this timer is not the lease's any more.
    if (!account || isGone(account.state) || account.leaseEndsAt !== endsAt) return;
    const vending = requests.find((r) => r.id === account.vendedBy) as AccountRequest;
    if (effect.target === LEASE_END) return this.end(vending, endsAt);
    const reminder = LEASE_REMINDERS.find((r) => r.target === effect.target);
    if (!reminder || (vending.lease?.reminder?.endsAt === endsAt && vending.lease.reminder.daysLeft <= reminder.daysBefore)) return;
    const daysLeft = Math.max(1, Math.round((Date.parse(endsAt) - this.clock.now().getTime()) / DAY_MS));
    try {
      await this.transitions.apply(vending, 'lease-reminder', SYSTEM, {
        patch: (current) => ({ lease: { ...(current.lease ?? { days: 0 }), reminder: { endsAt, daysLeft } } }),
        reason: `The lease of account ${account.accountId} ends at ${endsAt} (in ${daysLeft} day${daysLeft === 1 ? '' : 's'})`,
      });
    } catch (err) {
      if (!(err instanceof TransitionConflictError)) throw err;
    }
  }

  /** The lease is over: the bot asks for the account to be closed, once per lease end. */
  private async end(vending: AccountRequest, endsAt: string): Promise<void> {
    const accountId = vending.accountId as string;
    try {
      const close = await this.life.ask(
        accountId,
        { kind: 'close-account' },
        { requester: vending.requester, reason: `The sandbox lease ended at ${endsAt}.` },
        SYSTEM,
        { confirmationKey: `lease-end:${accountId}:${endsAt}` },
      );
      this.log.info({ accountId, requestId: close.id, endsAt }, 'lease ended: close requested');
    } catch (err) {
      if (err instanceof DuplicateConfirmationError) return; // asked already (a repeated timer)
      // Another request about the account is open (an extension waiting for a decision): try again later.
      if (err instanceof AccountStateError)
        this.log.info({ accountId, reason: err.message }, 'lease ended; close waits for the open request');
      throw err;
    }
  }

  /** An approved extension: the lease's end moves by its days (from now, if it already ended). */
  async extend(started: AccountRequest): Promise<void> {
    const accountId = started.accountId as string;
    const account = accountView(accountId, await this.store.listByAccount(accountId, 100), this.clock.now());
    const days = started.extension?.days ?? 0;
    const from = account?.leaseEndsAt;
    const to = extendedEnd(from, days, this.clock.now());
    await this.transitions.apply(started, 'succeed', SYSTEM, {
      patch: { extension: { days, ...(from ? { from } : {}), to } },
      reason: `Lease extended by ${days} days, to ${to}`,
    });
  }
}
