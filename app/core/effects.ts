import { randomUUID } from 'node:crypto';
import type { AccountRequest } from './account-request';
import type { Clock, Effect, Logger, RequestStore } from './ports';

/**
 * Side effects follow committed transitions, never precede them. A transition stores the effects
 * it causes on the request itself (same write), and this dispatcher carries them out afterwards:
 * right away in-process, and again from the stored state (sweep) after a failure or a restart.
 * On AWS the table's stream can call `process` instead of the in-process kick.
 */

export interface EffectHandler {
  readonly name: string;
  /**
   * The targets this handler wants an effect for, when `event` happens to `request`
   * (e.g. one per approver address); [] for none, [undefined] for one without a target.
   */
  targets(event: string, request: AccountRequest): Array<string | undefined>;
  run(effect: Effect, request: AccountRequest): Promise<void>;
}

export interface RetryPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
  /** How long a claimed effect is reserved for the dispatcher that claimed it. */
  leaseMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseDelayMs: 2_000, maxDelayMs: 15 * 60_000, leaseMs: 60_000 };

/** Exponential backoff with full jitter, capped; attempts starts at 1. */
export function backoffMs(attempts: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, random = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(attempts - 1, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export class EffectDispatcher {
  private readonly handlers = new Map<string, EffectHandler>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    private readonly store: RequestStore,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
    /** False where effects are carried by the table's stream (Lambda) and the sweep. */
    private readonly inline = true,
  ) {}

  register(handler: EffectHandler): this {
    this.handlers.set(handler.name, handler);
    return this;
  }

  /** The effects an event causes; stored with the transition that causes it. */
  plan(event: string, request: AccountRequest): Effect[] {
    const dueAt = this.clock.now().toISOString();
    return [...this.handlers.values()].flatMap((h) =>
      h.targets(event, request).map((target) => ({
        id: `${h.name}-${randomUUID()}`,
        handler: h.name,
        event,
        ...(target !== undefined ? { target } : {}),
        attempts: 0,
        dueAt,
      })),
    );
  }

  /** Starts carrying out a request's due effects without waiting for them. */
  kick(requestId: string): void {
    if (this.inline) void this.enqueue(requestId);
  }

  /**
   * Runs `process` for a request after any earlier run for it in this process, so one request's
   * effects happen in order (a Slack post before its updates). Across processes the claims keep
   * each effect to one dispatcher.
   */
  private enqueue(requestId: string): Promise<void> {
    const previous = this.chains.get(requestId) ?? Promise.resolve();
    const p: Promise<void> = previous
      .then(() => this.process(requestId))
      .catch((err) => this.log.error({ requestId, err }, 'effect dispatch failed'))
      .finally(() => {
        this.inFlight.delete(p);
        if (this.chains.get(requestId) === p) this.chains.delete(requestId);
      });
    this.chains.set(requestId, p);
    this.inFlight.add(p);
    return p;
  }

  /** Resolves when every kicked dispatch (and what it kicked) has finished. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Carries out the effects of every request that has some due. */
  async sweep(limit = 100): Promise<number> {
    const due = await this.store.dueEffects(this.clock.now(), limit);
    for (const { requestId } of due) await this.enqueue(requestId);
    return due.length;
  }

  /** Carries out one request's due effects, each claimed first so that no two dispatchers run it. */
  async process(requestId: string): Promise<void> {
    const now = this.clock.now();
    const due = (await this.store.effectsOf(requestId)).filter((e) => e.dueAt <= now.toISOString());
    if (due.length === 0) return;
    for (const effect of due) {
      const request = await this.store.claimEffect(requestId, effect.id, now, this.retry.leaseMs);
      if (!request) continue;
      const log = this.log.child({ requestId, effect: effect.handler, event: effect.event, target: effect.target });
      const handler = this.handlers.get(effect.handler);
      try {
        if (!handler) throw new Error(`No handler named ${effect.handler}`);
        // Handlers render from the state returned by the claim, so a retry never sends stale news.
        await handler.run(effect, request);
        await this.store.settleEffect(requestId, effect.id);
        log.debug({}, 'effect done');
      } catch (err) {
        const attempts = effect.attempts + 1;
        const dueAt = new Date(this.clock.now().getTime() + backoffMs(attempts, this.retry)).toISOString();
        log.warn({ err, attempts, retryAt: dueAt }, 'effect failed; will retry');
        await this.store.settleEffect(requestId, effect.id, { attempts, dueAt, lastError: String((err as Error)?.message ?? err) });
      }
    }
  }
}
