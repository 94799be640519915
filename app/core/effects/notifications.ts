import type { Effect } from '../ports/effects';
import type { Notifier } from '../ports/notifier';
import type { AccountRequest } from '../request/account-request';
import type { ApproverPolicy } from '../request/approvers';
import type { Provisioner } from '../use-cases/provisioning';
import { type EffectHandler, isLate } from './dispatcher';
import { approvalRequest, requesterUpdate } from './messages';

/** Asks each approver address for a decision, with a link of their own. */
export class ApproverMail implements EffectHandler {
  readonly name = 'approver-mail';
  constructor(
    private readonly notifier: Notifier,
    private readonly approvers: ApproverPolicy,
    private readonly linkFor: (request: AccountRequest, approver: string) => string,
  ) {}

  targets(event: string, request: AccountRequest): Array<string | undefined> {
    return event === 'create' || event === 'remind' ? this.approvers.approverEmailsFor(request) : [];
  }

  async run(effect: Effect, request?: AccountRequest): Promise<void> {
    // Asked, but decided (or expired) since: the approver need not hear about it any more.
    if (request?.status !== 'PENDING_APPROVAL' || !effect.target) return;
    const { subject, text } = approvalRequest(request, this.linkFor(request, effect.target), effect.event === 'remind');
    await this.notifier.send({ to: effect.target, subject, text, requestId: request.id, kind: 'approval-request', key: effect.id });
  }
}

/**
 * Tells the requester about each step of their request by e-mail, unless a door reaches them
 * where they asked (a Slack DM for a requester who asked in Slack).
 */
export class RequesterMail implements EffectHandler {
  readonly name = 'requester-mail';
  constructor(
    private readonly notifier: Notifier,
    private readonly reachedElsewhere: (request: AccountRequest) => boolean = () => false,
  ) {}

  targets(event: string, request: AccountRequest): Array<string | undefined> {
    if (this.reachedElsewhere(request)) return [];
    return requesterUpdate(event, request) ? [request.requester.email] : [];
  }

  async run(effect: Effect, request?: AccountRequest): Promise<void> {
    const message = request && requesterUpdate(effect.event, request, isLate(effect, request));
    if (!message) return;
    await this.notifier.send({
      to: effect.target ?? request.requester.email,
      ...message,
      requestId: request.id,
      kind: `request-${effect.event}`,
      key: effect.id,
    });
  }
}

/** Whenever a slot may have freed up or a request joined the queue, start what can start. */
export class QueueDrain implements EffectHandler {
  readonly name = 'queue';
  private static readonly EVENTS = new Set(['approve', 'retry', 'succeed', 'fail']);
  constructor(private readonly provisioner: Provisioner) {}

  targets(event: string): Array<string | undefined> {
    return QueueDrain.EVENTS.has(event) ? [undefined] : [];
  }

  run(): Promise<void> {
    return this.provisioner.drain();
  }
}
