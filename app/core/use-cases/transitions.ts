import type { EffectDispatcher } from '../effects/dispatcher';
import { TransitionConflictError } from '../errors';
import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import type { RequestStore, Transition } from '../ports/requests';
import { type AccountRequest, type Actor, type AuditEvent, provisioningOf, SYSTEM } from '../request/account-request';
import { type Action, TRANSITIONS } from '../request/lifecycle';

type Patch = Transition['patch'];

export interface ApplyOptions {
  /** Fields that change with the status; a function is computed again from the current record when the write is retried. */
  patch?: Patch | ((current: AccountRequest) => Patch);
  reason?: string;
  /** Do not apply again on a fresh record after a lost compare-and-set (the caller decides again). */
  once?: boolean;
}

/** Decisions are refused once the request has expired, at the moment of the write. */
const REFUSED_WHEN_EXPIRED: ReadonlySet<Action> = new Set(['approve', 'approve-stage', 'advance-stage', 'deny']);

/** Actions that keep the request's place in its queue (statusSince orders it). */
const KEEPS_PLACE: ReadonlySet<Action> = new Set([
  'record',
  'requeue',
  'remind',
  'approve-stage',
  'advance-stage',
  'retried-as',
  'provisioned',
  'baseline-step',
  'lease-reminder',
]);

/**
 * The one way a request changes state: the lifecycle table says what is legal, the store applies
 * it as a compare-and-set on the request's version together with its audit event and the effects
 * it causes, and only then are the effects started.
 *
 * A lost compare-and-set whose winner left the request in a state this action may still start
 * from (a reminder, a recorded progress) is applied again on the fresh record; any other loss is
 * the caller's TransitionConflictError, which says who won.
 */
export class Transitions {
  constructor(
    private readonly store: RequestStore,
    private readonly dispatcher: EffectDispatcher,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  async apply(request: AccountRequest, action: Action, actor: Actor, opts: ApplyOptions = {}): Promise<AccountRequest> {
    const from: readonly string[] = TRANSITIONS[action].from;
    let current = request;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.applyOnce(current, action, actor, opts);
      } catch (err) {
        const fresh = err instanceof TransitionConflictError ? err.current : undefined;
        if (opts.once || !fresh || !from.includes(fresh.status) || fresh.version === current.version || attempt >= 5) throw err;
        current = fresh;
      }
    }
  }

  /**
   * Back to the queue, not to start again before `notBefore` (a busy factory, a close quota): the
   * request keeps its place, and the queue passes it over until then.
   */
  requeue(request: AccountRequest, notBefore: Date, reason: string): Promise<AccountRequest> {
    return this.apply(request, 'requeue', SYSTEM, {
      patch: (current) => ({ provisioning: { ...provisioningOf(current), notBefore: notBefore.toISOString() } }),
      reason,
    });
  }

  private async applyOnce(request: AccountRequest, action: Action, actor: Actor, opts: ApplyOptions): Promise<AccountRequest> {
    const { from, to } = TRANSITIONS[action];
    const now = this.clock.now().toISOString();
    // Recording progress, reminding and going back to the queue keep the request's place (statusSince orders the queue).
    const keepsPlace = KEEPS_PLACE.has(action);
    const given = typeof opts.patch === 'function' ? opts.patch(request) : opts.patch;
    const patch = { ...(keepsPlace ? {} : { statusSince: now }), ...given };
    const event: AuditEvent = { at: now, actor, action, from: request.status, to, ...(opts.reason ? { reason: opts.reason } : {}) };
    const effects = this.dispatcher.plan(action, { ...request, ...patch, status: to, version: request.version + 1 });
    const updated = await this.store.transition({
      id: request.id,
      expectedVersion: request.version,
      from,
      to,
      patch,
      event,
      effects,
      ...(REFUSED_WHEN_EXPIRED.has(action) ? { unlessExpiredAt: now } : {}),
    });
    // One line per transition, for the audit in the logs and the dashboard's requests-by-state metric.
    this.log.info({ requestId: request.id, action, from: request.status, to, door: actor.door, actor: actor.id }, 'request transition');
    if (effects.length > 0) this.dispatcher.kick(request.id);
    return updated;
  }
}
