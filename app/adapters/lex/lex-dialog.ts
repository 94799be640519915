import {
  DeleteSessionCommand,
  LexRuntimeV2Client,
  RecognizeTextCommand,
  type RecognizeTextCommandOutput,
  type Slot,
} from '@aws-sdk/client-lex-runtime-v2';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { DialogUnavailableError } from '../../core/errors';
import type { Dialog, DialogState, DialogTurnInput, DialogTurnResult } from '../../core/ports/dialog';
import type { Logger } from '../../core/ports/logger';
import type { OrganizationalUnit } from '../../core/request/account-request';
import { type ATTRIBUTES, fill, joinOr, lexSessionId, messageText, slotValue } from './lex-wire';

export { lexSessionId } from './lex-wire';

/**
 * The Dialog port on Amazon Lex V2: a bot built from manifest/bot.yml (infra) holds the
 * conversation, and this adapter translates one RecognizeText call into the same result the
 * embedded engine gives, so a door cannot tell them apart (test/aws/dialog-parity.test.ts).
 *
 * What the bot is expected to look like (it is built from the manifest, infra/lib/lex-bot-model.ts):
 * - prompts say `[firstName]`, `[lastName]`, `[ouChoices]` (session attributes, sent on every turn)
 *   and `{SlotName}` (slots);
 * - VendAccount (slots AccountType, RootEmail, AccountOU, optional AccountName and Reason;
 *   confirmation prompt and declination response), RequestStatus, CancelRequest and RetryRequest
 *   (optional RequestId), and the intents it answers itself with a closing response (help,
 *   greetings, slot help per topic); FallbackIntent whose closing response is the manifest's
 *   fallback message; optionally a cancel intent (AMAZON.CancelIntent);
 * - no fulfillment code hook: after confirmation Lex answers intent state ReadyForFulfillment with
 *   no message, and the caller (core/conversation.ts) fulfils. Only intents the bot answers by
 *   itself (the manifest's `response`: Help) may have a closing response: an unconfirmed intent
 *   that closes with a message is taken as answered (Fulfilled), one that closes without a message,
 *   or confirmed, as the caller's to fulfil (ReadyForFulfillment). The asides that explain a slot
 *   answer from their initial response when they can (Lex allows four branches per step), which
 *   closes with the intent still InProgress: answered too.
 *
 * Lex keeps the conversation (it expires after the bot's idle session TTL); this adapter holds none.
 * IAM: lex:RecognizeText and lex:DeleteSession on the bot alias
 * (arn:aws:lex:<region>:<account>:bot-alias/<botId>/<botAliasId>).
 */

export interface LexDialogOptions {
  /** A ready client (tests, or a shared one). Without it one is made for `region`. */
  client?: LexRuntimeV2Client;
  /**
   * The region of the Lex bot, which may differ from the Control Tower home region. Without it the
   * SDK's own settings apply (AWS_REGION...). AWS_ENDPOINT_URL_LEX_RUNTIME_V2 is honoured either way.
   */
  region?: string;
  botId: string;
  botAliasId: string;
  /** e.g. en_US: the manifest's locale. */
  localeId: string;
  /** The OUs the bot's OrganizationalUnits slot type was built with; answers use their configured names. */
  organizationalUnits: OrganizationalUnit[];
  log: Logger;
}

/** The slot that names the OU (core/conversation.ts reads it as `slots.AccountOU`). */
const OU_SLOT = 'AccountOU';
/** Request ids are lower case (validation.ts); Lex keeps what was typed. */
const REQUEST_ID_SLOT = 'RequestId';
/** Lex's built-in intent for utterances that match no intent. */
const FALLBACK_INTENT = 'FallbackIntent';
/** Names a bot may give its cancel intent (built on AMAZON.CancelIntent). */
const CANCEL_INTENTS = new Set(['AMAZON.CancelIntent', 'CancelIntent', 'Cancel']);

export class LexDialog implements Dialog {
  readonly kind = 'lex';
  private readonly client: LexRuntimeV2Client;
  private readonly bot: { botId: string; botAliasId: string; localeId: string };
  private readonly ous: OrganizationalUnit[];
  private readonly ouChoices: string;
  private readonly log: Logger;

  constructor(options: LexDialogOptions) {
    this.client =
      options.client ??
      new LexRuntimeV2Client({
        ...(options.region ? { region: options.region } : {}),
        // HTTP/1.1 with keep-alive: this client's default is HTTP/2 with a new session per request
        // (made for StartConversation streams), a TLS handshake on every turn for plain REST calls.
        // A person is waiting for the answer: never hang on a connection that does not answer.
        requestHandler: new NodeHttpHandler({ connectionTimeout: 3_000, requestTimeout: 10_000, throwOnRequestTimeout: true }),
      });
    this.bot = { botId: options.botId, botAliasId: options.botAliasId, localeId: options.localeId };
    this.ous = options.organizationalUnits;
    this.ouChoices = joinOr(this.ous.map((o) => o.name));
    this.log = options.log.child({ dialog: 'lex', botId: options.botId, botAliasId: options.botAliasId, localeId: options.localeId });
  }

  async turn(input: DialogTurnInput): Promise<DialogTurnResult> {
    const attributes: Record<(typeof ATTRIBUTES)[number], string> = {
      firstName: input.user.firstName,
      lastName: input.user.lastName,
      email: input.user.email,
      ouChoices: this.ouChoices,
    };
    let response: RecognizeTextCommandOutput;
    try {
      response = await this.client.send(
        new RecognizeTextCommand({
          ...this.bot,
          sessionId: lexSessionId(input.sessionId),
          // Lex allows 1 to 1024 characters; an empty turn is still a turn (Lex then asks again).
          text: input.text.trim().slice(0, 1024) || ' ',
          // Only the attributes: Lex keeps the dialog state (intent, slots, dialog action) itself,
          // and sending an old dialogAction back would steer it.
          sessionState: { sessionAttributes: attributes },
        }),
      );
    } catch (err) {
      throw this.unavailable(err, 'RecognizeText');
    }
    return this.interpret(response, attributes);
  }

  /**
   * Forgets the conversation in Lex. Never fails: it runs after a confirmed intent, which must
   * not be lost because Lex is busy, and Lex starts afresh after a closed intent anyway.
   */
  async end(sessionId: string): Promise<void> {
    try {
      await this.client.send(new DeleteSessionCommand({ ...this.bot, sessionId: lexSessionId(sessionId) }));
    } catch (err) {
      if ((err as Error)?.name === 'ResourceNotFoundException') return;
      this.log.warn({ err, sessionId }, 'could not delete the Lex session; it expires by itself');
    }
  }

  /** Lex's answer in the embedded engine's terms. */
  private interpret(response: RecognizeTextCommandOutput, attributes: Record<string, string>): DialogTurnResult {
    const state = response.sessionState ?? {};
    const intent = state.intent;
    const action = state.dialogAction;
    const slots = this.slotsOf(intent?.slots);
    const message = fill(messageText(response.messages), { ...slots, ...attributes });
    const result = (dialogState: DialogState, name: string | null = intent?.name ?? null): DialogTurnResult => {
      if (name === null) return { intent: null, state: dialogState, slots: {}, message };
      // An intent the bot answered itself leaves nothing for the caller (a question's topic is no request detail).
      const r: DialogTurnResult = { intent: name, state: dialogState, slots: dialogState === 'Fulfilled' ? {} : slots, message };
      if (dialogState === 'ElicitSlot' && action?.slotToElicit) r.slotToElicit = action.slotToElicit;
      return r;
    };

    if (!intent?.name || intent.name === FALLBACK_INTENT) return result('ElicitIntent', null);
    if (CANCEL_INTENTS.has(intent.name)) return result('Cancelled', null);
    // "no" to the confirmation prompt: Lex says the declination response and closes.
    if (intent.confirmationState === 'Denied' && (action?.type === 'Close' || intent.state === 'Failed')) return result('Cancelled');

    switch (intent.state) {
      case 'Failed':
        // Lex gave up: too many answers it could not use for one slot or the confirmation.
        return result('Failed');
      case 'ReadyForFulfillment':
      case 'Fulfilled':
      case 'FulfillmentInProgress':
        // The bot has no fulfillment code hook, so whichever of these Lex reports, nothing was done
        // yet. An intent the bot answers by itself (Help) says its closing response; one the caller
        // fulfils (VendAccount after its confirmation, RequestStatus...) is confirmed or says nothing.
        return intent.confirmationState !== 'Confirmed' && message ? result('Fulfilled') : result('ReadyForFulfillment');
      default:
        break;
    }
    switch (action?.type) {
      case 'ElicitSlot':
        if (action.slotToElicit) return result('ElicitSlot');
        break;
      case 'ConfirmIntent':
        return result('ConfirmIntent');
      case 'Close':
        // Ended from the initial response (an aside's answer, infra/lib/lex-bot-model.ts): the bot
        // answered by itself and the intent never reached its closing step, so it is still InProgress.
        if (message) return result('Fulfilled');
        break;
      case 'ElicitIntent':
        return result('ElicitIntent', null);
      default:
        break;
    }
    // Delegate or None with an intent in progress: only a code hook does that, and this bot has none.
    this.log.warn(
      { intent: intent.name, intentState: intent.state, dialogAction: action?.type },
      'unexpected Lex dialog state; asking again',
    );
    return { intent: null, state: 'ElicitIntent', slots: {}, message: message || 'Sorry, I did not understand that.' };
  }

  /** Interpreted (canonical) values of the filled slots; the OU by its configured name. */
  private slotsOf(slots: Record<string, Slot> | undefined): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, slot] of Object.entries(slots ?? {})) {
      const value = slotValue(slot);
      if (value) out[name] = name === OU_SLOT ? this.ouName(value) : name === REQUEST_ID_SLOT ? value.toLowerCase() : value;
    }
    return out;
  }

  /** "demos", "Demos (ou-abcd-12345678)" or "ou-abcd-12345678" → "Demos", as the embedded engine answers. */
  private ouName(value: string): string {
    const v = value.trim().toLowerCase();
    const ou =
      this.ous.find((o) => o.name.toLowerCase() === v) ??
      this.ous.find((o) => o.id && (o.id.toLowerCase() === v || v.includes(o.id.toLowerCase()))) ??
      this.ous.find((o) => o.name.toLowerCase() === v.replace(/\s*\(.*\)\s*$/, ''));
    if (!ou) this.log.warn({ value }, 'Lex returned an OU that is not configured (was the bot built with other OUs?)');
    return ou?.name ?? value;
  }

  /** Every failure of a call is "the dialog cannot answer now" for the doors; the log says which. */
  private unavailable(err: unknown, operation: string): DialogUnavailableError {
    const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    const status = e?.$metadata?.httpStatusCode;
    const name = e?.name ?? 'Error';
    const detail = { err, operation, status };
    switch (name) {
      case 'ThrottlingException':
        this.log.warn(detail, 'Lex throttled the request');
        return new DialogUnavailableError('Amazon Lex is busy right now');
      case 'ConflictException':
        this.log.warn(detail, 'Lex is still handling an earlier message of this session');
        return new DialogUnavailableError('Amazon Lex is still answering your previous message');
      case 'ValidationException':
      case 'ResourceNotFoundException':
      case 'AccessDeniedException':
        // Configuration, not load: the bot id, alias, locale or IAM permissions are wrong.
        this.log.error(
          detail,
          'Lex rejected the request: check LEX_BOT_ID, LEX_BOT_ALIAS_ID, LEX_LOCALE_ID, the region and lex:RecognizeText permission',
        );
        return new DialogUnavailableError(`the Amazon Lex bot is not set up correctly: ${name}: ${e.message ?? 'no details'}`);
      default:
        if (status !== undefined && status >= 500) {
          this.log.warn(detail, 'Lex failed');
          return new DialogUnavailableError('Amazon Lex is not answering right now');
        }
        if (status !== undefined) {
          this.log.error(detail, 'Lex refused the request');
          return new DialogUnavailableError(`Amazon Lex refused the request: ${name}`);
        }
        this.log.warn(detail, 'Lex could not be reached');
        return new DialogUnavailableError('Amazon Lex cannot be reached');
    }
  }
}
