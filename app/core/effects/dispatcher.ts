import { randomUUID } from 'node:crypto';
import { RetryLaterError } from '../errors';
import type { Clock } from '../ports/clock';
import type { Effect, EffectStore } from '../ports/effects';
import type { Logger } from '../ports/logger';
import type { AccountRequest } from '../request/account-request';
import { TRANSITIONS } from '../request/lifecycle';

/**
 * Side effects follow committed transitions, never precede them. A transition stores the effects
 * it causes on the request itself (same write), and this dispatcher carries them out afterwards:
 * right away in-process, and again from the stored state (sweep) after a failure or a restart.
 * On AWS the table's stream can call `process` instead of the in-process kick.
 *
 * Order: the effects of one scope form streams, one per handler and target (what one recipient
 * sees). A stream runs in the order of its transitions; a failing effect holds back the later
 * effects of its stream until it succeeds, and nothing else (other recipients, other requests,
 * the provisioning queue) waits for it.
 */

export interface EffectHandler {
  readonly name: string;
  /**
   * The targets this handler wants an effect for, when `event` happens to `request`
   * (e.g. one per approver address); [] for none, [undefined] for one without a target.
   */
  targets(event: string, request: AccountRequest): Array<string | undefined>;
  /** When an effect for `target` is due, if not at once (a durable timer, e.g. a lease's end). */
  dueAt?(event: string, request: AccountRequest, target: string | undefined): string | undefined;
  /** Carries the effect out; `request` is the request as it stands now (absent for other scopes). */
  run(effect: Effect, request?: AccountRequest): Promise<void>;
  /** True when this handler tells the requester of `request` about each step (so e-mail need not). */
  reachesRequester?(request: AccountRequest): boolean;
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

/** The stream an effect belongs to: what one recipient sees, in order. */
export const streamOf = (e: Pick<Effect, 'handler' | 'target'>): string => `${e.handler}|${e.target ?? ''}`;

/** Effects in the order they must happen. */
export const inOrder = <E extends Pick<Effect, 'seq'>>(effects: E[]): E[] =>
  [...effects].sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));

/** When the next effect can run: the earliest due time among the heads of the streams. */
export function nextDue(effects: Effect[]): string | undefined {
  const heads = new Map<string, Effect>();
  for (const e of inOrder(effects)) if (!heads.has(streamOf(e))) heads.set(streamOf(e), e);
  return [...heads.values()].map((e) => e.dueAt).sort()[0];
}

/** The request version whose transition planned this effect (0 for effects of other scopes). */
export const versionOf = (e: Pick<Effect, 'seq'>): number => (e.seq.startsWith('v') ? Number.parseInt(e.seq.slice(1, 9), 10) : 0);

/** True when the request has moved to another state since the effect was planned: its news is late. */
export function isLate(e: Pick<Effect, 'seq' | 'event'>, request: AccountRequest): boolean {
  const then = e.event === 'create' ? 'PENDING_APPROVAL' : (TRANSITIONS as Record<string, { to: string } | undefined>)[e.event]?.to;
  return request.version > versionOf(e) && then !== undefined && then !== request.status;
}

export class EffectDispatcher {
  private readonly handlers = new Map<string, EffectHandler>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly chains = new Map<string, Promise<void>>();
  private deferred = 0;

  constructor(
    private readonly store: EffectStore,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
    /** False where effects are carried by the table's stream (Lambda) and the sweep. */
    private readonly inline = true,
    /** Who claims effects: the same owner takes its own claims back at once after a restart. */
    private readonly owner: string = randomUUID(),
  ) {}

  register(handler: EffectHandler): this {
    this.handlers.set(handler.name, handler);
    return this;
  }

  /**
   * The effects an event causes; stored with the transition that makes the request `version`.
   * Where this dispatcher carries them out right after the write (inline), those due now are
   * claimed by it in that same write: taking them is then no write of its own, and another
   * dispatcher takes them only once the lease has run out (this one crashed).
   */
  plan(event: string, request: AccountRequest): Effect[] {
    const now = this.clock.now();
    const dueAt = now.toISOString();
    const claim = this.inline ? { claimedUntil: new Date(now.getTime() + this.retry.leaseMs).toISOString(), claimedBy: this.owner } : {};
    const targets = [...this.handlers.values()].flatMap((h) => h.targets(event, request).map((target) => ({ h, target })));
    return targets.map(({ h, target }, i) => {
      const due = h.dueAt?.(event, request, target) ?? dueAt;
      return {
        id: `${h.name}-${randomUUID()}`,
        handler: h.name,
        event,
        ...(target !== undefined ? { target } : {}),
        seq: `v${String(request.version).padStart(8, '0')}.${String(i).padStart(3, '0')}`,
        attempts: 0,
        dueAt: due,
        ...(due <= dueAt ? claim : {}),
      };
    });
  }

  /** Stores work for a handler that carries its own data (e.g. a chat reply), then starts it. */
  async defer(scope: string, handler: string, event: string, payload: Record<string, unknown>, target?: string): Promise<void> {
    const now = this.clock.now();
    const effect: Effect = {
      id: `${handler}-${randomUUID()}`,
      handler,
      event,
      ...(target !== undefined ? { target } : {}),
      // In time order, and unique within one millisecond of this process.
      seq: `t${String(now.getTime()).padStart(15, '0')}.${String(this.deferred++ % 1e6).padStart(6, '0')}`,
      // Stored as plain JSON (builders hand out class instances).
      payload: JSON.parse(JSON.stringify(payload)),
      attempts: 0,
      dueAt: now.toISOString(),
    };
    await this.store.enqueue(scope, [effect]);
    this.kick(scope);
  }

  /** Starts carrying out a scope's due effects without waiting for them. */
  kick(scope: string): void {
    if (this.inline) void this.enqueue(scope);
  }

  /** Starts `process` for a scope, tracked for `idle`. */
  private enqueue(scope: string): Promise<void> {
    const p: Promise<void> = this.process(scope)
      .catch((err) => this.log.error({ scope, err }, 'effect dispatch failed'))
      .finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
    return p;
  }

  /**
   * Runs `work` for one stream after any earlier run for that stream in this process, so that one
   * process never works on a stream twice at once (across processes the claims keep each effect
   * to one dispatcher), while the other streams of the scope go on. `work` is told whether it
   * waited, i.e. whether what it read before is stale.
   */
  private inStream(key: string, work: (waited: boolean) => Promise<void>): Promise<void> {
    const previous = this.chains.get(key);
    const p: Promise<void> = (previous ?? Promise.resolve())
      .then(() => work(previous !== undefined))
      .catch((err) => this.log.error({ stream: key, err }, 'effect dispatch failed'))
      .finally(() => {
        this.inFlight.delete(p);
        if (this.chains.get(key) === p) this.chains.delete(key);
      });
    this.chains.set(key, p);
    this.inFlight.add(p);
    return p;
  }

  /** Resolves when every kicked dispatch (and what it kicked) has finished. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Carries out the effects of every scope that has some due (also this owner's own unfinished claims). */
  async sweep(limit = 100): Promise<number> {
    const due = await this.store.due(this.clock.now(), limit);
    await Promise.all(due.map((scope) => this.enqueue(scope)));
    return due.length;
  }

  /** Carries out one scope's due effects: its streams side by side, each in order and claimed first. */
  async process(scope: string): Promise<void> {
    const streams = new Map<string, Effect[]>();
    for (const e of inOrder(await this.store.pending(scope))) streams.set(streamOf(e), [...(streams.get(streamOf(e)) ?? []), e]);
    await Promise.all(
      [...streams].map(([stream, effects]) =>
        this.inStream(`${scope}\n${stream}`, async (waited) => {
          const todo = waited ? inOrder((await this.store.pending(scope)).filter((e) => streamOf(e) === stream)) : effects;
          for (const effect of todo) {
            if (!(await this.runOne(scope, effect))) break; // not due, taken elsewhere, or failed: the rest waits
          }
        }),
      ),
    );
  }

  /** True when the effect was carried out; false when it must wait (and the rest of its stream with it). */
  private async runOne(scope: string, effect: Effect): Promise<boolean> {
    const now = this.clock.now();
    if (effect.dueAt > now.toISOString()) return false;
    const claimed = await this.store.claim(scope, effect.id, this.owner, now, this.retry.leaseMs);
    if (!claimed) return false;
    // The fields of each line about it (no child logger: making one costs on every effect, logged or not).
    const about = { scope, effect: effect.handler, event: effect.event, target: effect.target };
    try {
      const handler = this.handlers.get(effect.handler);
      if (!handler) throw new Error(`No handler named ${effect.handler}`);
      // Handlers render from the state returned by the claim, so a retry never sends stale news.
      await handler.run(effect, claimed.request);
    } catch (err) {
      const attempts = effect.attempts + 1;
      // A service that says when to come back (HTTP 429 Retry-After) is not asked again before then.
      const waitMs = Math.max(backoffMs(attempts, this.retry), err instanceof RetryLaterError ? err.afterMs : 0);
      const dueAt = new Date(this.clock.now().getTime() + waitMs).toISOString();
      this.log.warn({ ...about, err, attempts, retryAt: dueAt }, 'effect failed; it and what follows it will be retried');
      await this.store.settle(scope, effect.id, { attempts, dueAt, lastError: String((err as Error)?.message ?? err).slice(0, 500) });
      return false;
    }
    await this.store.settle(scope, effect.id);
    this.log.debug(about, 'effect done');
    return true;
  }
}
