import type { Effect } from '../ports/effects';
import type { Notifier } from '../ports/notifier';
import { failedSteps } from '../request/account-baseline';
import type { AccountRequest } from '../request/account-request';
import { type ApprovalRecord, emailsToAsk } from '../request/approval-stages';
import type { Provisioner } from '../use-cases/provisioning';
import { type EffectHandler, isLate } from './dispatcher';
import { approvalRequest, approvedByPolicy, baselineIncomplete, requesterUpdate } from './messages';

/** The events that start a stage of approvals (ask its people), or remind it. */
const ASKS = new Set(['create', 'advance-stage', 'remind']);

/**
 * Asks each approver address of the stage being waited for, when it starts (and reminds it), with
 * a link of their own; tells the informed group when the policy approved by itself.
 */
export class ApproverMail implements EffectHandler {
  readonly name = 'approver-mail';
  constructor(
    private readonly notifier: Notifier,
    private readonly approvalOf: (request: AccountRequest) => ApprovalRecord,
    private readonly linkFor: (request: AccountRequest, approver: string) => string,
  ) {}

  targets(event: string, request: AccountRequest): Array<string | undefined> {
    const approval = this.approvalOf(request);
    // Ready without part of its baseline: everyone the request's approvals named hears what is missing.
    if (event === 'succeed' && failedSteps(request.baseline).length) return everyoneOf(approval, request);
    if (event === 'approve' && approval.autoApproved)
      return (approval.informed?.emails ?? []).filter((e) => e !== request.requester.email.toLowerCase());
    return ASKS.has(event) ? emailsToAsk(approval, request.requester) : [];
  }

  async run(effect: Effect, request?: AccountRequest): Promise<void> {
    if (!request || !effect.target) return;
    if (effect.event === 'succeed') {
      const { subject, text } = baselineIncomplete(request);
      return this.notifier.send({ to: effect.target, subject, text, requestId: request.id, kind: 'baseline-incomplete', key: effect.id });
    }
    if (effect.event === 'approve') {
      const { subject, text } = approvedByPolicy(request);
      return this.notifier.send({ to: effect.target, subject, text, requestId: request.id, kind: 'approval-info', key: effect.id });
    }
    // Asked, but decided (or expired, or their stage is over, or they approved) since: they need not hear about it any more.
    if (request.status !== 'PENDING_APPROVAL' || !emailsToAsk(this.approvalOf(request), request.requester).includes(effect.target)) return;
    const { subject, text } = approvalRequest(request, this.linkFor(request, effect.target), effect.event === 'remind');
    await this.notifier.send({ to: effect.target, subject, text, requestId: request.id, kind: 'approval-request', key: effect.id });
  }
}

/** Every address of the request's approvals (each stage, and the informed when the policy approved by itself), but the requester. */
function everyoneOf(approval: ApprovalRecord, request: AccountRequest): string[] {
  const emails = [...approval.stages.flatMap((s) => s.approvers.emails), ...(approval.informed?.emails ?? [])];
  return [...new Set(emails)].filter((e) => e !== request.requester.email.toLowerCase());
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
    /** The request's page, linked from every message. */
    private readonly pageOf?: (request: AccountRequest) => string,
  ) {}

  targets(event: string, request: AccountRequest): Array<string | undefined> {
    if (this.reachedElsewhere(request)) return [];
    return requesterUpdate(event, request) ? [request.requester.email] : [];
  }

  async run(effect: Effect, request?: AccountRequest): Promise<void> {
    const message = request && requesterUpdate(effect.event, request, isLate(effect, request), this.pageOf?.(request));
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
