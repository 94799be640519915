import { createHash } from 'node:crypto';
import type { AccountFactory, ProvisioningOutcome, ProvisioningStatus, ProvisionResult } from '../../core/ports/account-factory';
import type { Clock } from '../../core/ports/clock';
import type { AccountRequest } from '../../core/request/account-request';

export interface SandboxOptions {
  /** How long simulated provisioning takes. */
  delayMs: number;
  /** Account e-mails matching this fail, so the failure path can be tried by hand. */
  failPattern: RegExp;
  clock: Clock;
}

/**
 * The embedded Account Factory: simulates Control Tower provisioning. Nothing is created in AWS;
 * account ids are made up (12 digits, stable per request) and every result says "sandbox".
 *
 * Like the real one it reports completion as an event (see `onOutcome`), and `describe` answers
 * from the record id alone, so a restart loses nothing: the record id carries when it started
 * and whether it will fail.
 */
export class SandboxAccountFactory implements AccountFactory {
  readonly kind = 'sandbox';
  private readonly timers = new Set<NodeJS.Timeout>();
  private listener?: (outcome: ProvisioningOutcome) => void;

  constructor(private readonly opts: SandboxOptions) {}

  /** Where simulated completion events go (the provisioner's `complete`). */
  onOutcome(listener: (outcome: ProvisioningOutcome) => void): void {
    this.listener = listener;
  }

  /** A simulated launch: the account is "made" after the delay. */
  provision(request: AccountRequest): Promise<ProvisionResult> {
    return this.simulate(request);
  }

  /** A simulated move to the request's OU (UpdateProvisionedProduct on AWS). */
  move(request: AccountRequest): Promise<ProvisionResult> {
    return this.simulate(request);
  }

  /** A simulated unmanage before closing (TerminateProvisionedProduct on AWS). */
  unmanage(request: AccountRequest): Promise<ProvisionResult> {
    return this.simulate(request);
  }

  private async simulate(request: AccountRequest): Promise<ProvisionResult> {
    const record: SandboxRecord = {
      startedAt: this.opts.clock.now().getTime(),
      fails: this.opts.failPattern.test(request.account.email),
      requestId: request.id,
    };
    const recordId = `sandbox-rec-${record.startedAt.toString(36)}-${record.fails ? 'f' : 's'}-${record.requestId}`;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.listener?.({ requestId: request.id, accountName: request.account.name, ...this.outcome(record) });
    }, this.opts.delayMs);
    timer.unref();
    this.timers.add(timer);
    return { recordId };
  }

  async describe(recordId: string): Promise<ProvisioningStatus> {
    const parsed = parse(recordId);
    if (!parsed) return { state: 'FAILED', message: `Unknown sandbox record ${recordId}` };
    if (this.opts.clock.now().getTime() < parsed.startedAt + this.opts.delayMs) return { state: 'IN_PROGRESS' };
    return this.outcome(parsed);
  }

  /** Stops pending simulated completions (shutdown). */
  close(): void {
    this.timers.forEach(clearTimeout);
    this.timers.clear();
  }

  private outcome(record: SandboxRecord): ProvisioningStatus & { state: 'SUCCEEDED' | 'FAILED' } {
    return record.fails
      ? {
          state: 'FAILED',
          message: `Sandbox Account Factory: the account e-mail matches the failure pattern ${this.opts.failPattern} (simulated failure)`,
        }
      : { state: 'SUCCEEDED', accountId: sandboxAccountId(record.requestId) };
    // (For a move or an unmanage, the id is ignored: the request already names its account.)
  }
}

/** 12 digits derived from the request id: stable, and clearly not a real account's. */
export function sandboxAccountId(requestId: string): string {
  const n = BigInt(`0x${createHash('sha256').update(`sandbox:${requestId}`).digest('hex').slice(0, 15)}`);
  return (n % 10n ** 12n).toString().padStart(12, '0');
}

/** What a sandbox record id carries: when provisioning started, whether it fails, and for which request. */
interface SandboxRecord {
  startedAt: number;
  fails: boolean;
  requestId: string;
}

function parse(recordId: string): SandboxRecord | undefined {
  const m = /^sandbox-rec-([0-9a-z]+)-([fs])-(.+)$/.exec(recordId);
  return m ? { startedAt: parseInt(m[1], 36), fails: m[2] === 'f', requestId: m[3] } : undefined;
}
