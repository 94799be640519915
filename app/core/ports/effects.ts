import type { AccountRequest } from '../request/account-request';

/**
 * The effects still to carry out, per scope: a request (its id; written with its transitions,
 * see requests.ts) or any other deferred work (e.g. a Slack conversation's turns and replies).
 */

/** A side effect that must follow a committed transition (a message, a queue drain), or deferred work. */
export interface Effect {
  id: string;
  /** Name of the registered handler that carries it out. */
  handler: string;
  /** The lifecycle event that caused it (e.g. "approve"), or what the deferred work is. */
  event: string;
  /** Handler-specific target, e.g. one approver's address. */
  target?: string;
  /**
   * Order within its scope: the version of the request the transition produced, then the
   * position in that transition. Effects of one stream (handler and target) run in this order.
   */
  seq: string;
  /** For effects that carry their own data instead of rendering the request (e.g. a chat reply). */
  payload?: Record<string, unknown>;
  attempts: number;
  dueAt: string;
  lastError?: string;
  /** Set while a dispatcher is carrying it out: until when, and which dispatcher. */
  claimedUntil?: string;
  claimedBy?: string;
}

export interface EffectStore {
  /** Adds effects to a scope that is not a request. */
  enqueue(scope: string, effects: Effect[]): Promise<void>;
  /** A scope's effects, in `seq` order. */
  pending(scope: string): Promise<Effect[]>;
  /** Scopes with an effect due at or before `now`. */
  due(now: Date, limit?: number): Promise<string[]>;
  /**
   * Takes an effect for `leaseMs` so that concurrent dispatchers do not both carry it out (a
   * claim by the same `owner` is taken again at once, e.g. after a restart). Returns the request
   * as it stands for a request scope (for the handler to render; a store may give it as read with
   * the scope's effects by `pending` a moment before, never older than the transition that planned
   * the effect), {} for other scopes, or undefined when someone else has it or it is gone.
   */
  claim(scope: string, effectId: string, owner: string, now: Date, leaseMs: number): Promise<{ request?: AccountRequest } | undefined>;
  /** Records the outcome of a claimed effect: done (removed) or rescheduled. */
  settle(scope: string, effectId: string, retry?: Pick<Effect, 'attempts' | 'dueAt' | 'lastError'>): Promise<void>;
}

/**
 * Where a store announces committed writes that carry effects (the table's stream on AWS): the
 * scopes whose effects must be carried out, read from a batch of the feed's own records, each with
 * the record's position (to report it back when its scope failed, so the feed delivers it again).
 */
export interface EffectFeed {
  scopesIn(batch: unknown): Array<{ scope: string; position: string }>;
}
