import { BaselineRejectedError, FactoryBusyError, FactoryRejectedError } from '../../app/core/errors';
import type { AccountBaseline } from '../../app/core/ports/account-baseline';
import type { AccountFactory, ProvisioningStatus } from '../../app/core/ports/account-factory';
import type { Clock } from '../../app/core/ports/clock';
import type { Notifier, OutgoingMessage } from '../../app/core/ports/notifier';
import type { AccountRequest } from '../../app/core/request/account-request';

/** A clock the test moves by hand. */
export class TestClock implements Clock {
  constructor(private current = new Date('2026-03-02T09:00:00Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** Records messages; can be told to fail the next N sends (an SNS or SMTP outage). */
export class RecordingNotifier implements Notifier {
  readonly kind = 'recording';
  readonly sent: OutgoingMessage[] = [];
  failures = 0;
  async send(message: OutgoingMessage): Promise<void> {
    if (this.failures > 0) {
      this.failures--;
      throw new Error('notifier down');
    }
    this.sent.push(message);
  }
  to(address: string, kind?: string): OutgoingMessage[] {
    return this.sent.filter((m) => m.to === address && (!kind || m.kind === kind));
  }
}

/** An Account Factory the test drives: it records launches and answers describe from `outcomes`. */
export class ScriptedFactory implements AccountFactory {
  readonly kind = 'scripted';
  readonly launched: string[] = [];
  /** What the next provision calls do, in order; then they succeed. */
  script: Array<'busy' | 'reject' | 'error'> = [];
  readonly outcomes = new Map<string, ProvisioningStatus>();

  async provision(request: AccountRequest): Promise<{ recordId: string }> {
    const step = this.script.shift();
    if (step === 'busy') throw new FactoryBusyError('ResourceInUseException: 5 operations in progress');
    if (step === 'reject') throw new FactoryRejectedError('The account e-mail is already used by another AWS account');
    if (step === 'error') throw new Error('socket hang up');
    this.launched.push(request.id);
    return { recordId: `rec-${request.id}` };
  }

  /** Moves and unmanages are launches of their own request here (their record is `rec-<id>` too). */
  move(request: AccountRequest): Promise<{ recordId: string }> {
    return this.provision(request);
  }

  unmanage(request: AccountRequest): Promise<{ recordId: string }> {
    return this.provision(request);
  }

  async describe(recordId: string): Promise<ProvisioningStatus> {
    return this.outcomes.get(recordId) ?? { state: 'IN_PROGRESS' };
  }
}

/** A baseline the test drives: it records calls, and fails a step its script names (`transient` N times, or `rejected` always). */
export class ScriptedBaseline implements AccountBaseline {
  readonly kind = 'scripted';
  readonly calls: Array<{ step: string; accountId: string; args: unknown }> = [];
  readonly script = new Map<string, { transient?: number; rejected?: string }>();

  private async call(step: string, accountId: string, args: unknown): Promise<void> {
    const plan = this.script.get(step);
    if (plan?.rejected) throw new BaselineRejectedError(plan.rejected);
    if (plan?.transient) {
      plan.transient--;
      throw new Error(`${step}: service unavailable`);
    }
    this.calls.push({ step, accountId, args });
  }
  tagAccount(accountId: string, tags: Record<string, string>) {
    return this.call('tags', accountId, tags);
  }
  putAlternateContact(accountId: string, type: string, contact: unknown) {
    return this.call('alternate-contacts', accountId, { type, contact });
  }
  grantAccess(accountId: string, grant: unknown) {
    return this.call('access', accountId, grant);
  }
  createBudget(accountId: string, budget: unknown) {
    return this.call('budget', accountId, budget);
  }
}
