import { AuthorizationError, ExpressReceiver, type ExpressReceiverOptions } from '@slack/bolt';
import { type NextFunction, type Request, type Response, Router } from 'express';
import type { Logger } from '../../core/ports/logger';
import { payloadProblem } from './payloads';
import { noticeModal } from './views';

/** Slack signs a timestamp; requests dated more than this far from now, either way, are refused. */
export const MAX_CLOCK_SKEW_S = 5 * 60;

/**
 * Slack gives up on a request it has no answer to after 3 s (it shows the user an error, or
 * redelivers the event). With processBeforeResponse the answer waits for the listener, so a
 * listener still running by this deadline (a slow store, a turn queued behind the same person's
 * previous ones) gets its request answered with an empty 200 then, in time. The listener goes on
 * and what it does still happens (an event's reply and a decision's messages are effects); only
 * what it would have put in the answer itself (a slash command's ephemeral text, a modal's field
 * errors) comes too late to be shown, as it would have after Slack's timeout anyway; a submitted
 * modal is turned into a notice saying so rather than closed as if all went well. Two seconds
 * leave Slack's third for the network and for a busy event loop.
 */
export const ACK_DEADLINE_MS = 2_000;

/**
 * Bolt's ExpressReceiver (it verifies the signature and the stale side of the timestamp, and we
 * never re-implement that), with these guarantees on top, so every signed request is answered at
 * once and never with a 5xx:
 * - a timestamp more than five minutes in the future is refused (401), as a stale one is;
 * - a signed payload of a shape the bot cannot take is refused with a 400 that names the problem;
 * - a payload no listener acknowledged (one the bot has no listener for) gets a 200 right after
 *   the listeners ran, instead of waiting for Bolt's three-second unhandled-request timeout;
 * - a request whose listener is still running at ACK_DEADLINE_MS is answered with a 200 then;
 * - should Bolt itself still fail on a signed payload before any listener runs (a shape
 *   payloads.ts does not know of), the payload is refused with a 400 and logged, not a 500.
 *   (Listener failures never get here: the app's error handler logs them and the request is
 *   acknowledged.)
 */
export class VendingReceiver extends ExpressReceiver {
  constructor(
    options: ExpressReceiverOptions,
    private readonly log: Logger,
  ) {
    // The timestamp is checked ahead of Bolt's own handlers: it answers ssl_check and
    // url_verification itself, before requestHandler runs.
    const router = options.router ?? Router();
    const endpoints =
      typeof options.endpoints === 'string' ? [options.endpoints] : Object.values(options.endpoints ?? { events: '/slack/events' });
    for (const endpoint of endpoints) router.post(endpoint, refuseFarTimestamps(log));
    super({
      ...options,
      router,
      // Our requestHandler answers unacknowledged requests itself (at the latest by the deadline); Bolt's timer then finds it done.
      unhandledRequestHandler: ({ response }) => {
        if (!response.headersSent) response.writeHead(200).end();
      },
      processEventErrorHandler: async ({ error, response }) => {
        if (response.headersSent) {
          // The deadline answered first: the listener's own answer (what it acked with) is dropped.
          if ((error as { code?: string })?.code === 'ERR_HTTP_HEADERS_SENT')
            log.warn({ deadlineMs: ACK_DEADLINE_MS }, 'Slack listener acknowledged after the deadline; its answer was dropped');
          else log.error({ err: error }, 'Slack request failed after it was answered');
          return false;
        }
        if (error instanceof AuthorizationError) {
          log.warn({ err: error }, 'Slack request refused: its authorization failed');
          response.writeHead(401).end();
          return true;
        }
        log.error({ err: error }, 'Slack payload refused: Bolt could not process it');
        response
          .writeHead(400, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: 'Malformed Slack payload: it could not be processed' }));
        return true;
      },
    });
  }

  override async requestHandler(req: Request, res: Response): Promise<void> {
    const problem = payloadProblem(req.body);
    if (problem) {
      this.log.warn({ problem }, 'Slack payload refused');
      res.status(400).json({ error: `Malformed Slack payload: ${problem}` });
      return;
    }
    const deadline = setTimeout(() => {
      if (res.headersSent) return;
      this.log.warn(
        { deadlineMs: ACK_DEADLINE_MS, kind: kindOf(req.body) },
        'Slack request still being processed at its deadline; answered 200 so Slack does not time out',
      );
      if (req.body.type !== 'view_submission') return void res.status(200).end();
      res.status(200).json({ response_action: 'update', view: noticeModal('Still working', STILL_WORKING) });
    }, ACK_DEADLINE_MS);
    try {
      await super.requestHandler(req, res);
    } finally {
      clearTimeout(deadline);
    }
    if (!res.headersSent) res.status(200).end();
  }
}

/** Refuses a request dated more than MAX_CLOCK_SKEW_S away from now, either way (Bolt refuses only the stale side). */
function refuseFarTimestamps(log: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const ts = Number(req.headers['x-slack-request-timestamp']);
    if (!(Math.abs(Date.now() / 1000 - ts) > MAX_CLOCK_SKEW_S)) return next();
    log.warn(
      { timestamp: req.headers['x-slack-request-timestamp'] },
      'Slack request refused: its timestamp is more than five minutes away',
    );
    res.status(401).json({ error: 'The request timestamp is more than five minutes away from now' });
  };
}

const STILL_WORKING = 'This is taking longer than usual; it is still being done. If nothing has changed within a minute, try again.';

/** What a payload is, for the logs: a command, an event type or an interaction type. */
function kindOf(body: { command?: unknown; type?: unknown; event?: { type?: unknown } }): string {
  return String(body.command ?? (body.event ? `event ${body.event.type}` : body.type));
}
