import { createHash } from 'node:crypto';
import { type BotModel, render, renderParts } from '../bot-model';
import {
  DialogUnavailableError,
  DomainError,
  DuplicateConfirmationError,
  DuplicateRequestError,
  ForbiddenError,
  QueueFullError,
  SessionConflictError,
} from '../errors';
import type { Dialog, DialogState, DialogTurnResult } from '../ports/dialog';
import { type AccountRequest, type DoorName, ouLabel, type Requester } from '../request/account-request';
import { MAX_TURN_CHARACTERS } from '../request/validation';
import { KeyedQueue } from './keyed-queue';
import type { ProductConversation } from './product-conversation';
import { RequestAnswers, type RetryRequests } from './request-answers';
import type { VendingService } from './vending-service';

/** The intents the bot model must define; the core fulfils these. */
export const VEND_INTENT = 'VendAccount';
export const STATUS_INTENT = 'RequestStatus';
export const CANCEL_REQUEST_INTENT = 'CancelRequest';
export const RETRY_INTENT = 'RetryRequest';

export interface ConversationReply {
  message: string;
  state: DialogState;
  intent: string | null;
  slots: Record<string, string>;
  /** Set when this turn created a request. */
  request?: AccountRequest;
  /** The dialog service is down: doors offer a way that does not need it (the Slack form). */
  dialogUnavailable?: boolean;
  /** The turn lost a race to another request (same e-mail, same confirmation): the winner's id. */
  conflict?: { requestId: string };
  /** Too many of this person's messages at once: nothing was done with this one. */
  busy?: boolean;
  /** The approval policy does not let this person ask for this: nothing was stored. */
  refused?: boolean;
}

/** Turns that lose a race for the conversation's stored state are run again on the fresh state, this often. */
const SESSION_RETRIES = 3;

/**
 * Free-text conversation, whatever the door and whatever the dialog engine: a turn goes to the
 * Dialog port, and what the dialog cannot do by itself (naming the account before confirmation,
 * creating the request, listing requests) happens here.
 */
export class Conversation {
  private readonly queue = new KeyedQueue();
  private readonly answers: RequestAnswers;

  constructor(
    private readonly dialog: Dialog,
    private readonly service: VendingService,
    private readonly model: BotModel,
    /** "Retry" in a conversation retries through it; without it the bot says how to retry instead. */
    retrying?: RetryRequests,
    /** Conversations about products of the catalog ("I need an S3 bucket"), when there is one. */
    private readonly products?: ProductConversation,
  ) {
    this.answers = new RequestAnswers(service, retrying);
  }

  /**
   * One turn. Turns of one conversation run one at a time (a turn that arrives meanwhile waits);
   * across processes, the session's compare-and-set makes a turn that lost the race run again on
   * the fresh state, and a confirmation makes at most one request, so a repeated or concurrent
   * "yes" is told which request it already made.
   */
  turn(door: DoorName, requester: Requester, text: string): Promise<ConversationReply> {
    // One conversation per person and door: Slack and REST for the same person do not trample each other.
    const sessionId = `${door}:${requester.id}`;
    return this.queue
      .run(sessionId, () => this.turnOnce(door, requester, text, sessionId))
      .catch((err) => {
        if (!(err instanceof QueueFullError)) throw err;
        return busy(requester);
      });
  }

  private async turnOnce(door: DoorName, requester: Requester, text: string, sessionId: string): Promise<ConversationReply> {
    // Every door's messages, whatever its own limits (Slack allows far more): said, never cut.
    const length = text.trim().length;
    if (length > MAX_TURN_CHARACTERS) return tooLong(length);
    // A product named, or a product conversation under way: the core's own, before the dialog.
    const aboutProduct = await this.products?.turn(door, requester, text, sessionId);
    if (aboutProduct) return aboutProduct;
    const user = { firstName: requester.firstName, lastName: requester.lastName, email: requester.email };
    let result: DialogTurnResult;
    try {
      result = await this.withRetries(() => this.dialog.turn({ sessionId, text, user }));
    } catch (err) {
      if (err instanceof SessionConflictError) return busy(requester);
      if (!(err instanceof DialogUnavailableError)) throw err;
      return {
        message: `Sorry ${requester.firstName}, I cannot hold a conversation right now (${err.message}). Nothing was requested. You can use the request form instead, or try again in a few minutes.`,
        state: 'Failed',
        intent: null,
        slots: {},
        dialogUnavailable: true,
      };
    }
    const { notice, resume, ...reply }: DialogTurnResult & ConversationReply = { ...result };

    if (result.intent === VEND_INTENT && result.state === 'ConfirmIntent') {
      reply.message = join(notice, await this.confirmationPrompt(result.slots, requester));
    }
    if (result.state !== 'ReadyForFulfillment') return reply;

    // A question answered on the way (a status mid-way): the conversation in progress goes on.
    if (resume) {
      const again =
        resume.intent === VEND_INTENT && resume.state === 'ConfirmIntent'
          ? await this.confirmationPrompt(resume.slots, requester)
          : resume.message;
      const answer = await this.fulfil(door, requester, result.intent, result.slots);
      return { ...reply, message: `${answer}\n\n${again}`, intent: resume.intent, state: resume.state, slots: resume.slots };
    }
    await this.dialog.end(sessionId);
    if (result.intent === VEND_INTENT)
      return this.createRequest(door, requester, reply, result.conversationId && confirmationKey(sessionId, result.conversationId));
    return { ...reply, state: 'Fulfilled', message: (await this.fulfil(door, requester, result.intent, result.slots)) || reply.message };
  }

  /**
   * The question before a request is made, as the person reads it: the chosen name or the one the
   * core would give, and the parts the model says when their slots are filled (the reason).
   */
  private async confirmationPrompt(slots: Record<string, string>, requester: Requester): Promise<string> {
    const confirmation = this.model.intents.find((i) => i.name === VEND_INTENT)?.confirmation;
    if (!confirmation) return '';
    const preview = await this.service.approvalPreview({
      accountType: slots.AccountType ?? '',
      accountOU: slots.AccountOU ?? '',
      requester,
    });
    const person = { firstName: requester.firstName, lastName: requester.lastName };
    // Refused by the policy: said now, before the person says yes to something that cannot be sent.
    if (preview.refused && confirmation.refused) return render(confirmation.refused, { ...person, refusal: preview.refused });
    const AccountName = slots.AccountName ?? (await this.service.proposeAccountName(slots.AccountType ?? '', requester));
    const approval = preview.autoApproved ? `will be ${preview.summary}` : preview.summary;
    const values = { ...person, ...slots, AccountName, ...(approval ? { approval } : {}) };
    return render(confirmation.prompt, { ...values, ...renderParts(confirmation.parts, values) });
  }

  /** The intents about requests already made: status (all, or one by id), withdrawing, retrying. */
  private fulfil(door: DoorName, requester: Requester, intent: string | null, slots: Record<string, string>): Promise<string> {
    const id = slots.RequestId;
    switch (intent) {
      case STATUS_INTENT:
        return id ? this.answers.statusOfOne(requester, id) : this.answers.statusOf(requester);
      case CANCEL_REQUEST_INTENT:
        return this.answers.withdraw(door, requester, id);
      case RETRY_INTENT:
        return this.answers.retry(door, requester, id);
      default:
        return Promise.resolve('');
    }
  }

  private async withRetries<T>(turn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await turn();
      } catch (err) {
        if (!(err instanceof SessionConflictError) || attempt >= SESSION_RETRIES) throw err;
      }
    }
  }

  private async createRequest(door: DoorName, requester: Requester, reply: ConversationReply, key?: string): Promise<ConversationReply> {
    const s = reply.slots;
    try {
      const request = await this.service.createRequest(
        {
          requester,
          accountType: s.AccountType ?? '',
          accountEmail: s.RootEmail ?? '',
          accountOU: s.AccountOU ?? '',
          ...(s.AccountName ? { accountName: s.AccountName } : {}),
          ...(s.Reason ? { reason: s.Reason } : {}),
        },
        { id: requester.id, name: `${requester.firstName} ${requester.lastName}`, email: requester.email, door },
        key ? { confirmationKey: key } : {},
      );
      const a = request.account;
      return {
        ...reply,
        state: 'Fulfilled',
        request,
        message:
          `New account request created: ${a.name} (${a.type}) for ${a.email} in ${ouLabel(a.ou)}. ` +
          `Request id: ${request.id}. I have asked the approvers and will tell you when they decide.`,
      };
    } catch (err) {
      if (err instanceof DuplicateConfirmationError) {
        return {
          ...reply,
          state: 'Failed',
          conflict: { requestId: err.existingId },
          message: `${requester.firstName}, you already confirmed this: it is request ${err.existingId}. Say "status" to see where it is.`,
        };
      }
      if (err instanceof ForbiddenError) {
        return {
          ...reply,
          state: 'Failed',
          refused: true,
          message: `I could not create the request: ${err.message} Say "new account" to start again.`,
        };
      }
      if (!(err instanceof DomainError)) throw err;
      const conflict = err instanceof DuplicateRequestError ? { conflict: { requestId: err.existingId } } : {};
      return {
        ...reply,
        ...conflict,
        state: 'Failed',
        message: `I could not create the request: ${err.message}. Say "new account" to start again.`,
      };
    }
  }

  /** The requester's requests and where they are, in words. */
  statusOf(requester: Requester): Promise<string> {
    return this.answers.statusOf(requester);
  }
}

const join = (...parts: Array<string | undefined>): string => parts.filter(Boolean).join(' ');

/** Told to a person whose messages outran the bot: nothing was done with this one. */
function busy(requester: Requester): ConversationReply {
  const message = `${requester.firstName}, I am still working on your previous messages; please wait for my answer before sending more.`;
  return { message, state: 'Failed', intent: null, slots: {}, busy: true };
}

/** A message longer than the dialog reads: nothing was done with it, and the person is told the limit. */
function tooLong(length: number): ConversationReply {
  const message = `That message has ${length} characters; I read at most ${MAX_TURN_CHARACTERS} characters. Please shorten it.`;
  return { message, state: 'Failed', intent: null, slots: {} };
}

/** The key that makes one conversation's confirmation create at most one request. */
function confirmationKey(sessionId: string, conversationId: string): string {
  return createHash('sha256').update(`${sessionId}\n${conversationId}`).digest('hex').slice(0, 32);
}
