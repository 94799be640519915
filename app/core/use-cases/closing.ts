import { CloseQuotaError } from '../errors';
import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import type { AccountDirectory } from '../ports/organization';
import { type AccountRequest, provisioningOf, SYSTEM } from '../request/account-request';
import type { Transitions } from './transitions';

/** A close that Organizations' quota holds back is tried again this much later. */
export const CLOSE_QUOTA_WAIT_MS = 24 * 3_600_000;

/** What Organizations says of a closed account: SUSPENDED for 90 days (it can be reopened), then CLOSED. */
const CLOSED_STATES = new Set(['SUSPENDED', 'CLOSED']);

/**
 * The second half of closing an account, after Account Factory has unmanaged it (its provisioned
 * product terminated, as Control Tower requires): Organizations CloseAccount, then following
 * DescribeAccount until the account is SUSPENDED. A close the organization's quota does not allow
 * now (10 % of member accounts in 30 days) goes back to the queue, says so, and is tried again.
 */
export class Closing {
  constructor(
    private readonly directory: AccountDirectory | undefined,
    private readonly transitions: Transitions,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly quotaWaitMs = CLOSE_QUOTA_WAIT_MS,
  ) {}

  /** Asks Organizations to close the account of a PROVISIONING close request that is unmanaged. */
  async requestClose(request: AccountRequest): Promise<void> {
    const accountId = request.accountId as string;
    const log = this.log.child({ requestId: request.id, accountId });
    if (!this.directory) {
      await this.transitions.apply(request, 'fail', SYSTEM, {
        patch: {
          provisioning: {
            ...provisioningOf(request),
            failureReason: 'No organization is configured to close accounts in.',
          },
        },
        reason: 'No organization is configured to close accounts in',
      });
      return;
    }
    try {
      await this.directory.closeAccount(accountId);
    } catch (err) {
      if (!(err instanceof CloseQuotaError)) {
        // An outage or throttling: the request stays as it is, and the reconciler asks again.
        log.warn({ err }, 'CloseAccount failed; the reconciler will try again');
        return;
      }
      const notBefore = new Date(this.clock.now().getTime() + this.quotaWaitMs);
      log.info({ notBefore, reason: err.message }, 'close quota reached; the close waits in the queue');
      await this.transitions.requeue(
        request,
        notBefore,
        `${err.message} The close waits in the queue and is tried again after ${notBefore.toISOString()}.`,
      );
      return;
    }
    await this.transitions.apply(request, 'record', SYSTEM, {
      patch: (current) => ({
        closure: { ...current.closure, closeRequestedAt: this.clock.now().toISOString(), accountState: 'PENDING_CLOSURE' },
      }),
      reason: `Organizations CloseAccount accepted for ${accountId}: the account is PENDING_CLOSURE`,
    });
  }

  /** The reconciler's step for an unmanaged close: ask again, or follow the account until it is closed. */
  async follow(request: AccountRequest): Promise<void> {
    const accountId = request.accountId as string;
    if (!request.closure?.closeRequestedAt || !this.directory) return this.requestClose(request);
    const account = await this.directory.describeAccount(accountId);
    // Gone from the organization altogether: closed for good.
    const state = account ? account.status : 'CLOSED';
    if (state && CLOSED_STATES.has(state)) {
      await this.transitions.apply(request, 'succeed', SYSTEM, {
        patch: (current) => ({ closure: { ...current.closure, accountState: state } }),
        reason: `Account ${accountId} closed (${state} in Organizations${state === 'SUSPENDED' ? ': it can be reopened through AWS Support for 90 days' : ''})`,
      });
    } else if (state === 'ACTIVE') {
      // The close was lost (the embedded organization restarted, or Organizations did not keep it): ask again.
      await this.directory.closeAccount(accountId);
    }
  }
}
