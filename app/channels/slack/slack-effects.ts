import type { WebClient } from '@slack/web-api';
import type { AccountRequest } from '../../core/account-request';
import { type EffectHandler, isLate } from '../../core/effects';
import { requesterUpdate } from '../../core/messages';
import type { Effect } from '../../core/ports';
import { esc } from './format';
import { approvalMessage } from './views';

/**
 * The approvers' channel message: posted when a request is created and updated in place (chat.update)
 * at every later step. It renders the current stored state, so a retried or late update is never stale.
 */
export class SlackApprovalMessage implements EffectHandler {
  readonly name = 'slack-approval-message';

  constructor(
    private readonly client: WebClient,
    private readonly channel: string,
    private readonly approvers: readonly string[],
    private readonly remember: (requestId: string, ref: { channel: string; ts: string }) => Promise<void>,
  ) {}

  targets(event: string): Array<string | undefined> {
    return event === 'record' ? [] : [undefined];
  }

  async run(effect: Effect, request?: AccountRequest): Promise<void> {
    if (!request) return;
    const message = approvalMessage(request, { channel: this.channel, approvers: this.approvers });
    const ref = request.approvalMessage;
    if (effect.event === 'remind' && ref && request.status === 'PENDING_APPROVAL') {
      // A reminder is a reply in the request's thread that tags the approvers again.
      const tags = this.approvers.map((u) => `<@${u}>`).join(' ');
      await this.client.chat.postMessage({ channel: ref.channel, thread_ts: ref.ts, text: `Reminder: this request is still waiting for a decision. ${tags}`.trim() });
      return;
    }
    if (ref) {
      await this.client.chat.update({ ...message, channel: ref.channel, ts: ref.ts });
      return;
    }
    const posted = await this.client.chat.postMessage(message);
    await this.remember(request.id, { channel: posted.channel ?? this.channel, ts: posted.ts! });
  }
}

/** Direct messages to a requester who asked in Slack, at each step of their request. */
export class SlackRequesterDm implements EffectHandler {
  readonly name = 'slack-requester-dm';

  constructor(private readonly client: WebClient) {}

  targets(event: string, request: AccountRequest): Array<string | undefined> {
    const user = request.requester.slackUserId;
    return user && requesterUpdate(event, request) ? [user] : [];
  }

  async run(effect: Effect, request?: AccountRequest): Promise<void> {
    const update = request && requesterUpdate(effect.event, request, isLate(effect, request));
    if (!update || !effect.target) return;
    // Posting to a user id opens (or reuses) the app's DM with them.
    await this.client.chat.postMessage({ channel: effect.target, text: `*${esc(update.subject)}*\n${esc(update.text)}` });
  }
}

/** What a deferred Slack reply carries: where it goes and what it says. */
export interface SlackReplyPayload {
  channel: string;
  text: string;
  thread_ts?: string;
  blocks?: unknown[];
  /** Set for a reply only this user sees (postEphemeral). */
  user?: string;
}

/**
 * Replies to people (conversation turns in DMs and mentions, notices after a click), posted as
 * effects: a reply Slack could not take is retried from the store, while the turn that produced
 * it happened once.
 */
export class SlackReply implements EffectHandler {
  static readonly NAME = 'slack-reply';
  readonly name = SlackReply.NAME;

  constructor(private readonly client: WebClient) {}

  targets(): Array<string | undefined> {
    return [];
  }

  async run(effect: Effect): Promise<void> {
    const p = effect.payload as unknown as SlackReplyPayload | undefined;
    if (!p?.channel || !p.text) return;
    const message = { channel: p.channel, text: p.text, ...(p.thread_ts ? { thread_ts: p.thread_ts } : {}), ...(p.blocks ? { blocks: p.blocks as never } : {}) };
    if (p.user) await this.client.chat.postEphemeral({ ...message, user: p.user });
    else await this.client.chat.postMessage(message);
  }
}
