import express, { Router } from 'express';
import { SLACK_BODY_LIMIT, type VendingReceiver } from './receiver';

/**
 * Slack's one endpoint on the HTTP app: the body read as bytes (the signature covers them exactly),
 * then answered by the receiver. A body over the limit or one that cannot be read is a 4xx from the
 * app's error handler.
 */
export function slackRoutes(receiver: VendingReceiver, endpoint = '/slack/events'): Router {
  const router = Router();
  router.post(endpoint, express.raw({ type: () => true, limit: SLACK_BODY_LIMIT }), (req, res, next) => {
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    receiver.answer({ rawBody, headers: req.headers }).then((a) => {
      res.status(a.status).set(a.headers);
      // An empty answer goes out as it is (send('') would type it text/html and tag it).
      if (a.body) res.send(a.body);
      else res.end();
    }, next);
  });
  return router;
}
