import type { IncomingMessage } from 'node:http';
import {
  type App,
  AuthorizationError,
  HTTPModuleFunctions,
  type Receiver,
  type ReceiverEvent,
  ReceiverMultipleAckError,
  verifySlackRequest,
} from '@slack/bolt';
import type { Logger } from '../../core/ports/logger';
import { payloadProblem } from './payloads';
import { noticeModal } from './views';

/** Slack signs a timestamp; requests dated more than this far from now, either way, are refused. */
export const MAX_CLOCK_SKEW_S = 5 * 60;

/**
 * Slack gives up on a request it has no answer to after 3 s (it shows the user an error, or
 * redelivers the event). The answer waits for the listener (processBeforeResponse, see below), so
 * a listener still running by this deadline (a slow store, a turn queued behind the same person's
 * previous ones) gets its request answered with an empty 200 then, in time. The listener goes on
 * and what it does still happens (an event's reply and a decision's messages are effects); only
 * what it would have put in the answer itself (a slash command's ephemeral text, a modal's field
 * errors) comes too late to be shown, as it would have after Slack's timeout anyway; a submitted
 * modal is turned into a notice saying so rather than closed as if all went well. Two seconds
 * leave Slack's third for the network and for a busy event loop.
 */
export const ACK_DEADLINE_MS = 2_000;

/** The largest body taken (Bolt's own limit); a larger one is refused with a 413 before it is read further. */
export const SLACK_BODY_LIMIT = HTTPModuleFunctions.defaultBodyLimit;

/** A request on Slack's endpoint, however it arrived (an HTTP server, API Gateway). */
export interface SlackHttpRequest {
  /** The body as sent: what the signature covers. */
  readonly rawBody: Buffer;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

export interface SlackHttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const json = (status: number, value: unknown): SlackHttpAnswer => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify(value),
});
const empty = (status: number): SlackHttpAnswer => ({ status, headers: {}, body: '' });
const text = (body: string): SlackHttpAnswer => ({ status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body });

/**
 * The Slack door's receiver, one for every way a request reaches it: the HTTP server mounts it on
 * POST /slack/events (slackRoutes) and the Lambda function hands it API Gateway's events directly
 * (doors/lambda/slack-events.ts), as Bolt's ExpressReceiver and AwsLambdaReceiver are two doors
 * into one App. Bolt checks the signature and the stale side of the timestamp (verifySlackRequest;
 * we never re-implement that), and every signed request is answered in time and never with a 5xx:
 * - a timestamp more than five minutes in the future is refused (401), as a stale one is;
 * - a body that is neither a form nor JSON, or a payload of a shape the bot cannot take, is
 *   refused with a 400 that names the problem;
 * - ssl_check and url_verification are answered as Slack expects;
 * - the answer is what the listener acknowledged with, once it finished (processBeforeResponse:
 *   nothing runs after the answer, which is what makes the same code safe on Lambda);
 * - a payload no listener acknowledged gets a 200 right after the listeners ran;
 * - a request whose listener is still running at ACK_DEADLINE_MS is answered with a 200 then;
 * - should Bolt itself fail on a signed payload (a shape payloads.ts does not know of), the
 *   payload is refused with a 400 and logged, not a 500; a failed authorization is a 401.
 *   (Listener failures never get here: the app's error handler logs them and the request is
 *   acknowledged.)
 */
export class VendingReceiver implements Receiver {
  private bolt?: App;

  constructor(
    private readonly signingSecret: string,
    private readonly log: Logger,
  ) {}

  init(app: App): void {
    this.bolt = app;
  }

  /** The HTTP server or the Lambda function hosts the endpoint: there is nothing to start or stop. */
  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  async answer(req: SlackHttpRequest): Promise<SlackHttpAnswer> {
    const refusal = this.unsigned(req);
    if (refusal) return refusal;
    let body: unknown;
    try {
      body = HTTPModuleFunctions.parseHTTPRequestBody({ rawBody: req.rawBody, headers: req.headers } as never);
    } catch {
      this.log.warn({ contentType: header(req, 'content-type') }, 'Slack payload refused: its body is neither a form nor JSON');
      return json(400, { error: 'Malformed Slack payload: the body is neither a form nor JSON' });
    }
    const b = body as Record<string, unknown> | null;
    if (b?.ssl_check) return empty(200);
    if (b?.type === 'url_verification') return json(200, { challenge: b.challenge });
    const problem = payloadProblem(body);
    if (problem) {
      this.log.warn({ problem }, 'Slack payload refused');
      return json(400, { error: `Malformed Slack payload: ${problem}` });
    }
    return this.dispatch(body as Record<string, unknown>, req);
  }

  /** Why a request is not Slack's (a 401), or nothing when its timestamp and signature hold. */
  private unsigned(req: SlackHttpRequest): SlackHttpAnswer | undefined {
    const stamp = header(req, 'x-slack-request-timestamp');
    const ts = Number(stamp);
    if (Math.abs(Date.now() / 1000 - ts) > MAX_CLOCK_SKEW_S) {
      this.log.warn({ timestamp: stamp }, 'Slack request refused: its timestamp is more than five minutes away');
      return json(401, { error: 'The request timestamp is more than five minutes away from now' });
    }
    try {
      verifySlackRequest({
        signingSecret: this.signingSecret,
        body: req.rawBody.toString(),
        headers: { 'x-slack-signature': header(req, 'x-slack-signature') ?? '', 'x-slack-request-timestamp': stamp ? ts : Number.NaN },
      });
      return undefined;
    } catch (err) {
      this.log.warn({ reason: (err as Error).message }, 'Slack request refused: its signature does not hold');
      return empty(401);
    }
  }

  private dispatch(body: Record<string, unknown>, req: SlackHttpRequest): Promise<SlackHttpAnswer> {
    const bolt = this.bolt;
    if (!bolt) return Promise.reject(new Error('The Slack receiver was used before its App was built'));
    return new Promise((resolve) => {
      let answered = false;
      const answer = (a: SlackHttpAnswer) => {
        if (answered) return;
        answered = true;
        resolve(a);
      };
      let acked = false;
      let stored: unknown;
      const deadline = setTimeout(() => {
        if (answered) return;
        this.log.warn(
          { deadlineMs: ACK_DEADLINE_MS, kind: kindOf(body) },
          'Slack request still being processed at its deadline; answered 200 so Slack does not time out',
        );
        answer(
          body.type === 'view_submission'
            ? json(200, { response_action: 'update', view: noticeModal('Still working', STILL_WORKING) })
            : empty(200),
        );
      }, ACK_DEADLINE_MS);
      const event: ReceiverEvent = {
        body,
        ack: async (response?: unknown) => {
          if (acked) throw new ReceiverMultipleAckError();
          acked = true;
          // The deadline answered first: the listener's own answer (what it acked with) is dropped.
          if (answered)
            this.log.warn({ deadlineMs: ACK_DEADLINE_MS }, 'Slack listener acknowledged after the deadline; its answer was dropped');
          stored = response;
        },
        retryNum: HTTPModuleFunctions.extractRetryNumFromHTTPRequest(req as unknown as IncomingMessage),
        retryReason: HTTPModuleFunctions.extractRetryReasonFromHTTPRequest(req as unknown as IncomingMessage),
      };
      bolt
        .processEvent(event)
        .then(
          // Unacknowledged (no listener for it) is answered with an empty 200 too.
          () => answer(stored === undefined || stored === '' ? empty(200) : typeof stored === 'string' ? text(stored) : json(200, stored)),
          (error: unknown) => {
            if (answered) return void this.log.error({ err: error }, 'Slack request failed after it was answered');
            if (error instanceof AuthorizationError) {
              this.log.warn({ err: error }, 'Slack request refused: its authorization failed');
              return answer(empty(401));
            }
            this.log.error({ err: error }, 'Slack payload refused: Bolt could not process it');
            answer(json(400, { error: 'Malformed Slack payload: it could not be processed' }));
          },
        )
        .finally(() => clearTimeout(deadline));
    });
  }
}

function header(req: SlackHttpRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

const STILL_WORKING = 'This is taking longer than usual; it is still being done. If nothing has changed within a minute, try again.';

/** What a payload is, for the logs: a command, an event type or an interaction type. */
function kindOf(body: { command?: unknown; type?: unknown; event?: unknown }): string {
  return String(body.command ?? (body.event ? `event ${(body.event as { type?: unknown }).type}` : body.type));
}
