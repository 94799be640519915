import type { AccountRequest, Actor, AuditEvent } from './account-request';
import type { EffectDispatcher } from './effects';
import { TRANSITIONS, type Action } from './lifecycle';
import type { Clock, Logger, RequestStore, Transition } from './ports';

/**
 * The one way a request changes state: the lifecycle table says what is legal, the store applies
 * it as a compare-and-set together with its audit event and the effects it causes, and only then
 * are the effects started.
 */
export class Transitions {
  constructor(
    private readonly store: RequestStore,
    private readonly dispatcher: EffectDispatcher,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  async apply(
    request: AccountRequest,
    action: Action,
    actor: Actor,
    opts: { patch?: Transition['patch']; reason?: string } = {},
  ): Promise<AccountRequest> {
    const { from, to } = TRANSITIONS[action];
    const now = this.clock.now().toISOString();
    // Recording progress, reminding and going back to the queue keep the request's place (statusSince orders the queue).
    const keepsPlace = action === 'record' || action === 'requeue' || action === 'remind';
    const patch = { ...(keepsPlace ? {} : { statusSince: now }), ...opts.patch };
    const event: AuditEvent = { at: now, actor, action, from: request.status, to, ...(opts.reason ? { reason: opts.reason } : {}) };
    const effects = this.dispatcher.plan(action, { ...request, ...patch, status: to });
    const updated = await this.store.transition({ id: request.id, from, to, patch, event, effects });
    // One line per transition, for the audit in the logs and the dashboard's requests-by-state metric.
    this.log.info({ requestId: request.id, action, from: request.status, to, channel: actor.channel, actor: actor.id }, 'request transition');
    if (effects.length > 0) this.dispatcher.kick(request.id);
    return updated;
  }
}
