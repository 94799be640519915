import { BaselineRejectedError } from '../../core/errors';
import type { AccessGrant, AccountBaseline, AlternateContact, BudgetSpec, ContactType } from '../../core/ports/account-baseline';
import { type Clock, systemClock } from '../../core/ports/clock';

/** One step the sandbox would have carried out, with what it was given. */
export type SimulatedStep = { accountId: string; at: string } & (
  | { step: 'tagAccount'; details: { tags: Record<string, string> } }
  | { step: 'putAlternateContact'; details: { type: ContactType; contact: AlternateContact } }
  | { step: 'grantAccess'; details: AccessGrant }
  | { step: 'createBudget'; details: BudgetSpec }
);

type StepInput = Omit<SimulatedStep, 'at'>;

export interface SandboxBaselineOptions {
  /** A step whose data matches this fails with a plain Error (retried like an outage). Default /fail/i. */
  failPattern?: RegExp;
  /** How many times such a step fails before it works, so a retry can be seen succeeding; Infinity: always. Default 2. */
  failTimes?: number;
  /** A step whose data matches this is refused for good (BaselineRejectedError), as a missing user would be. Default /reject/i. */
  rejectPattern?: RegExp;
  clock?: Clock;
}

/**
 * The embedded AccountBaseline: simulates each step. Nothing is sent anywhere; what would have been
 * done is kept in `done` (in memory, for a test or a page), and every message says "sandbox".
 *
 * To try the failure paths by hand, put a marker in the account's configured data (any text the
 * step is given: a tag value, a contact's name or e-mail, a user name or group id, a budget name or
 * notify address):
 * - "fail" (e.g. notify `fail@example.com`): the step throws a plain Error its first `failTimes`
 *   times (2 by default), then works, so the effect's retries with backoff can be watched;
 * - "reject": the step is refused for good (BaselineRejectedError), so the "what is missing" path shows.
 * The count is per step, account and data (corrected data starts afresh), in memory: a restart starts it again.
 */
export class SandboxAccountBaseline implements AccountBaseline {
  readonly kind = 'sandbox';
  /** What the sandbox did, oldest first; a repeated identical step is listed once, as its real one would exist once. */
  readonly done: SimulatedStep[] = [];
  private readonly failures = new Map<string, number>();
  private readonly failPattern: RegExp;
  private readonly failTimes: number;
  private readonly rejectPattern: RegExp;
  private readonly clock: Clock;

  constructor(options: SandboxBaselineOptions = {}) {
    this.failPattern = options.failPattern ?? /fail/i;
    this.failTimes = options.failTimes ?? 2;
    this.rejectPattern = options.rejectPattern ?? /reject/i;
    this.clock = options.clock ?? systemClock;
  }

  async tagAccount(accountId: string, tags: Record<string, string>): Promise<void> {
    this.simulate({ step: 'tagAccount', accountId, details: { tags: { ...tags } } });
  }

  async putAlternateContact(accountId: string, type: ContactType, contact: AlternateContact): Promise<void> {
    this.simulate({ step: 'putAlternateContact', accountId, details: { type, contact: { ...contact } } });
  }

  async grantAccess(accountId: string, grant: AccessGrant): Promise<void> {
    this.simulate({ step: 'grantAccess', accountId, details: structuredClone(grant) });
  }

  async createBudget(accountId: string, budget: BudgetSpec): Promise<void> {
    this.simulate({ step: 'createBudget', accountId, details: structuredClone(budget) });
  }

  /** What the sandbox did for one account. */
  doneFor(accountId: string): SimulatedStep[] {
    return this.done.filter((s) => s.accountId === accountId);
  }

  private simulate(input: StepInput): void {
    const data = texts(input.details).join('\n');
    const what = `Sandbox baseline: ${input.step} for account ${input.accountId}`;
    if (this.rejectPattern.test(data)) {
      throw new BaselineRejectedError(`${what} refused: its data matches ${this.rejectPattern} (simulated refusal)`);
    }
    const key = JSON.stringify(input); // the step, its account and its data
    const failed = this.failures.get(key) ?? 0;
    if (this.failPattern.test(data) && failed < this.failTimes) {
      this.failures.set(key, failed + 1);
      throw new Error(`${what} failed (attempt ${failed + 1}): its data matches ${this.failPattern} (simulated failure)`);
    }
    if (this.done.some(({ at: _at, ...earlier }) => JSON.stringify(earlier) === key)) return;
    this.done.push({ ...input, at: this.clock.now().toISOString() } as SimulatedStep);
  }
}

/** Every text in a step's data (keys and values), for the failure markers. */
function texts(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(texts);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...texts(v)]);
  return [];
}
