import { ErrorCode, type WebClient } from '@slack/web-api';
import { type EffectHandler, isLate } from '../../core/effects/dispatcher';
import { requesterUpdate } from '../../core/effects/messages';
import { DomainError, RetryLaterError } from '../../core/errors';
import type { Effect } from '../../core/ports/effects';
import type { AccountRequest } from '../../core/request/account-request';
import type { ConversationReply } from '../../core/use-cases/conversation';
import type { VendingCore } from '../../core/vending-core';
import type { SlackDirectory } from './directory';
import { esc } from './format';
import { type ApprovalProgress, approvalMessage, awaited, formFallback, requesterDm } from './views';

/**
 * The approvers' channel message: posted when a request is created and updated in place (chat.update)
 * at every later step. It renders the current stored state, so a retried or late update is never stale.
 */
export class SlackApprovalMessage implements EffectHandler {
  readonly name = 'slack-approval-message';
  /** The request's annotation that says where its message is: "<channel> <ts>". */
  static readonly ANNOTATION = 'slack.approval-message';

  constructor(
    private readonly client: WebClient,
    private readonly channel: string,
    private readonly progress: (request: AccountRequest) => ApprovalProgress,
    private readonly annotate: (requestId: string, key: string, value: string) => Promise<void>,
  ) {}

  targets(event: string): Array<string | undefined> {
    return event === 'record' ? [] : [undefined];
  }

  async run(effect: Effect, request?: AccountRequest): Promise<void> {
    if (!request) return;
    const progress = this.progress(request);
    const message = approvalMessage(request, { channel: this.channel, progress });
    const [channel, ts] = (request.annotations?.[SlackApprovalMessage.ANNOTATION] ?? '').split(' ');
    // Requests of an earlier release kept it in a field of their own.
    const ref = channel && ts ? { channel, ts } : (request as { approvalMessage?: { channel: string; ts: string } }).approvalMessage;
    if (effect.event === 'remind' && ref && request.status === 'PENDING_APPROVAL') {
      // A reminder is a reply in the request's thread that tags the approvers again.
      const tags = awaited(progress);
      await rateLimited(() =>
        this.client.chat.postMessage({
          channel: ref.channel,
          thread_ts: ref.ts,
          text: `Reminder: this request is still waiting for a decision. ${tags}`.trim(),
        }),
      );
      return;
    }
    if (ref) {
      await rateLimited(() => this.client.chat.update({ ...message, channel: ref.channel, ts: ref.ts }));
      return;
    }
    const posted = await rateLimited(() => this.client.chat.postMessage(message));
    await this.annotate(request.id, SlackApprovalMessage.ANNOTATION, `${posted.channel ?? this.channel} ${posted.ts}`);
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

  /** Requesters who asked in Slack hear in Slack. */
  reachesRequester(request: AccountRequest): boolean {
    return !!request.requester.slackUserId;
  }

  async run(effect: Effect, request?: AccountRequest): Promise<void> {
    const update = request && requesterUpdate(effect.event, request, isLate(effect, request));
    const user = effect.target;
    if (!update || !user) return;
    // Posting to a user id opens (or reuses) the app's DM with them. The button (Cancel, Retry) is
    // for the request as it is now, and only on news that is not late.
    const late = isLate(effect, request);
    const message = late ? { channel: user, text: `*${esc(update.subject)}*\n${esc(update.text)}` } : requesterDm(user, update, request);
    await rateLimited(() => this.client.chat.postMessage(message));
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
    const message = {
      channel: p.channel,
      text: p.text,
      ...(p.thread_ts ? { thread_ts: p.thread_ts } : {}),
      ...(p.blocks ? { blocks: p.blocks as never } : {}),
    };
    const user = p.user;
    if (user) await rateLimited(() => this.client.chat.postEphemeral({ ...message, user }));
    else await rateLimited(() => this.client.chat.postMessage(message));
  }
}

/** Where a conversation's turns and replies go, in order: a DM, or a thread. */
export const conversationPlace = (where: { channel: string; thread_ts?: string }): string =>
  `slack-conversation:${where.channel}${where.thread_ts ? `:${where.thread_ts}` : ''}`;

/** A conversation turn from a DM or a mention, stored when Slack delivered it. */
export interface SlackTurnPayload {
  eventId: string;
  userId: string;
  text: string;
  channel: string;
  thread_ts?: string;
}

/**
 * Takes a stored conversation turn: who the person is (users.info), the turn, and its reply
 * (stored, then posted by SlackReply). A Slack failure on the way is retried as the effect is; the
 * turn itself is claimed first, so a retry after the turn never takes it twice.
 */
export class SlackTurn implements EffectHandler {
  static readonly NAME = 'slack-turn';
  readonly name = SlackTurn.NAME;

  constructor(
    private readonly deps: {
      directory: SlackDirectory;
      core: VendingCore;
      reply(scope: string, payload: SlackReplyPayload): Promise<void>;
    },
  ) {}

  targets(): Array<string | undefined> {
    return [];
  }

  async run(effect: Effect): Promise<void> {
    const p = effect.payload as unknown as SlackTurnPayload | undefined;
    if (!p?.userId || !p.channel) return;
    let reply: ConversationReply;
    try {
      const requester = await rateLimited(() => this.deps.directory.requester(p.userId));
      if (!(await this.deps.core.firstTime(`slack-turn:${p.eventId}`, 24 * 3_600_000))) return;
      reply = await this.deps.core.converse('slack', requester, p.text);
    } catch (err) {
      if (!(err instanceof DomainError) || err instanceof RetryLaterError) throw err;
      reply = { message: err.message, state: 'Failed', intent: null, slots: {} };
    }
    const where = { channel: p.channel, ...(p.thread_ts ? { thread_ts: p.thread_ts } : {}) };
    // When the dialog service is down, the form still works: offer it with a button.
    await this.deps.reply(conversationPlace(where), {
      ...where,
      text: esc(reply.message),
      ...(reply.dialogUnavailable ? { blocks: formFallback(reply.message) } : {}),
    });
  }
}

/** Slack said "too many requests": the effect waits as long as Slack asked before it is tried again. */
export async function rateLimited<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    const e = err as { code?: string; retryAfter?: number; message?: string };
    if (e?.code === ErrorCode.RateLimitedError)
      throw new RetryLaterError(`Slack rate limited the call: ${e.message}`, (e.retryAfter ?? 1) * 1000);
    throw err;
  }
}
