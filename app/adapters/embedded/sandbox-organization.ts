import { CloseQuotaError } from '../../core/errors';
import type { Clock } from '../../core/ports/clock';
import type { AccountDirectory, OrganizationAccount } from '../../core/ports/organization';

export interface SandboxOrganizationOptions {
  clock: Clock;
  /** How long a simulated close stays PENDING_CLOSURE before the account is SUSPENDED. */
  closeDelayMs: number;
  /** Closes allowed in a rolling 30 days (Organizations: 10 % of member accounts, at least 10). */
  closeQuota: number;
}

const QUOTA_WINDOW_MS = 30 * 86_400_000;

/**
 * The embedded stand-in for AWS Organizations, beside the sandbox Account Factory: it closes
 * simulated accounts (PENDING_CLOSURE, then SUSPENDED, as Organizations reports a closed account)
 * and keeps Organizations' close quota, so the whole life of an account can be tried by hand.
 * Nothing exists in AWS. It remembers closes in memory: after a restart it no longer knows the
 * account, which reads as gone from the organization, i.e. closed.
 */
export class SandboxOrganization implements AccountDirectory {
  readonly kind = 'sandbox';
  private readonly closes = new Map<string, number>();

  constructor(private readonly opts: SandboxOrganizationOptions) {}

  async describeAccount(accountId: string): Promise<OrganizationAccount | undefined> {
    const closedAt = this.closes.get(accountId);
    // It knows only the accounts it closed (simulated accounts exist nowhere else); its factory's outcomes name their request, so matching never asks.
    if (closedAt === undefined) return undefined;
    const status = this.opts.clock.now().getTime() < closedAt + this.opts.closeDelayMs ? 'PENDING_CLOSURE' : 'SUSPENDED';
    return { id: accountId, email: '', name: '', status };
  }

  async closeAccount(accountId: string): Promise<void> {
    if (this.closes.has(accountId)) return;
    const now = this.opts.clock.now().getTime();
    const recent = [...this.closes.values()].filter((at) => now - at < QUOTA_WINDOW_MS).length;
    if (recent >= this.opts.closeQuota)
      throw new CloseQuotaError(
        `Sandbox Organizations (simulated): ${recent} accounts were closed in the last 30 days and the quota is ${this.opts.closeQuota} (Organizations allows 10 % of member accounts, between 10 and 1000, in a rolling 30 days).`,
      );
    this.closes.set(accountId, now);
  }
}
