import { ExpressReceiver, type ExpressReceiverOptions } from '@slack/bolt';
import type { Request, Response } from 'express';
import type { Logger } from '../../core/ports';
import { payloadProblem } from './payloads';

/** Slack signs a timestamp; requests dated more than this far from now, either way, are refused. */
export const MAX_CLOCK_SKEW_S = 5 * 60;

/**
 * Bolt's ExpressReceiver (it verifies the signature and the stale side of the timestamp, and we
 * never re-implement that), with three guarantees on top, so every signed request is answered at
 * once and never with a 5xx:
 * - a timestamp more than five minutes in the future is refused (401), as a stale one is;
 * - a signed payload of a shape the bot cannot take is refused with a 400 that names the problem;
 * - a payload no listener acknowledged (one the bot has no listener for) gets a 200 right after
 *   the listeners ran, instead of waiting for Bolt's three-second unhandled-request timeout.
 */
export class VendingReceiver extends ExpressReceiver {
  constructor(
    options: ExpressReceiverOptions,
    private readonly log: Logger,
  ) {
    super({
      ...options,
      // Our requestHandler answers unacknowledged requests itself; Bolt's timer then finds it done.
      unhandledRequestHandler: ({ response }) => {
        if (!response.headersSent) response.writeHead(200).end();
      },
    });
  }

  override async requestHandler(req: Request, res: Response): Promise<void> {
    const ts = Number(req.headers['x-slack-request-timestamp']);
    if (Math.abs(Date.now() / 1000 - ts) > MAX_CLOCK_SKEW_S) {
      this.log.warn({ timestamp: req.headers['x-slack-request-timestamp'] }, 'Slack request refused: its timestamp is more than five minutes away');
      res.status(401).json({ error: 'The request timestamp is more than five minutes away from now' });
      return;
    }
    const problem = payloadProblem(req.body);
    if (problem) {
      this.log.warn({ problem }, 'Slack payload refused');
      res.status(400).json({ error: `Malformed Slack payload: ${problem}` });
      return;
    }
    await super.requestHandler(req, res);
    if (!res.headersSent) res.status(200).end();
  }
}
