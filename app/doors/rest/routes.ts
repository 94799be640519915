import express, { Router } from 'express';
import * as z from 'zod';
import { withSecretsMasked } from '../../core/products/sealed';
import type { Actor, Requester } from '../../core/request/account-request';
import { accountNameSchema, emailSchema, personNameSchema, turnTextSchema } from '../../core/request/validation';
import type { VendingCore } from '../../core/vending-core';
import { type Door, routesOnly } from '../door';
import { jsonErrors, parseInput, requireApiKey } from '../http/errors';
import { wantsHtml } from '../web/html';
import { accountRoutes } from './account-routes';
import { field, whoAsks } from './askers';
import { productRoutes } from './product-routes';

/**
 * The REST door, compatible with the 2021 solution's POST /account: any portal that can call a
 * REST endpoint talks to the bot with it. The conversation is keyed by the user's e-mail.
 */

export const accountTurnSchema = z.object(
  {
    UserEmail: field('UserEmail', emailSchema),
    UserName: field('UserName', personNameSchema('UserName')),
    UserLastname: field('UserLastname', personNameSchema('UserLastname')),
    UserInput: field('UserInput', turnTextSchema),
  },
  { error: 'The body must be a JSON object with UserEmail, UserName, UserLastname and UserInput' },
);

/** Who acts on a request over REST: the portal names the person (the API key vouches for the portal). */
const actingSchema = z.object(
  { UserEmail: field('UserEmail', emailSchema), UserName: personNameSchema('UserName').optional() },
  { error: 'The body must be a JSON object with UserEmail' },
);

/** What a retry may correct; anything absent stays as it was. */
const retrySchema = actingSchema.extend({
  accountEmail: emailSchema.optional(),
  accountName: accountNameSchema.optional(),
  ou: z.string().min(1).max(200).optional(),
});

export const BODY_LIMIT = '64kb';

/** Whether the request carries the configured API key (always true when none is configured). */
function hasApiKey(apiKey: string | undefined, req: express.Request): boolean {
  let ok = false;
  const refuse = { status: () => ({ json: () => undefined }) } as unknown as express.Response;
  requireApiKey(apiKey)(req, refuse, () => {
    ok = true;
  });
  return ok;
}

export function restDoor(core: VendingCore, opts: { apiKey?: string }): Door {
  return routesOnly(
    'rest',
    restRoutes(core, opts),
    `POST /account, GET /requests, POST /requests/:id/cancel|retry, GET /accounts, POST /accounts/:id/move|close|extend, GET /products, POST /products/:id/requests${opts.apiKey ? ' (API key required)' : ''}`,
  );
}

function restRoutes(core: VendingCore, deps: { apiKey?: string }): Router {
  const router = Router();
  const auth = requireApiKey(deps.apiKey);
  // Any content type is read as JSON: old portals post JSON as text/plain. The raw body is kept for "initial-params".
  const json = express.json({
    type: () => true,
    limit: BODY_LIMIT,
    strict: false,
    verify: (req, _res, buf) => {
      (req as unknown as { rawBody: string }).rawBody = buf.toString('utf8');
    },
  });

  router.post('/account', auth, json, async (req, res) => {
    const raw = (req as unknown as { rawBody?: string }).rawBody;
    if (!raw) return void res.status(400).json({ error: 'The request body is empty; send a JSON object' });
    const body = parseInput(accountTurnSchema, req.body);
    const requester: Requester = {
      id: body.UserEmail.toLowerCase(),
      email: body.UserEmail,
      firstName: body.UserName,
      lastName: body.UserLastname,
    };
    const reply = await core.converse('rest', requester, body.UserInput);
    // The dialog service being down is ours, not the caller's: 503 with the same reply fields.
    if (reply.dialogUnavailable) res.status(503).set('retry-after', '30');
    // A lost race (another request holds the e-mail, or this confirmation already made one): 409, naming the winner.
    if (reply.conflict) res.status(409);
    // Messages of one conversation arriving faster than they are answered: told so, nothing done.
    if (reply.busy) res.status(429).set('retry-after', '1');
    // The approval policy does not let this person ask for this: 403, with the rule that says so.
    if (reply.refused) res.status(403);
    const failed = reply.dialogUnavailable || reply.conflict || reply.busy || reply.refused;
    res.json({
      ...(failed ? { error: reply.message } : {}),
      ...(reply.conflict ? { conflictingRequestId: reply.conflict.requestId } : {}),
      response: reply.message,
      'initial-params': raw,
      state: reply.state,
      intent: reply.intent,
      slots: reply.slots,
      ...(reply.request ? { requestId: reply.request.id, request: reply.request } : {}),
    });
  });

  // A browser gets the web door's request page, told whether the key check failed (a link cannot carry the key).
  const toPage = (req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (!wantsHtml(req)) return next();
    res.locals.apiKeyMissing = !hasApiKey(deps.apiKey, req);
    next('router');
  };
  router.get('/requests/:id', toPage, auth, async (req, res) => {
    const request = await core.lookUp(String(req.params.id));
    // The approvals as people read them: each stage, who approved it, who is awaited; a product's outputs at the top, its secrets masked.
    const outputs = request.kind === 'product' ? { outputs: request.product?.outputs ?? [] } : {};
    res.json({ ...withSecretsMasked(request), approval: core.approvalProgress(request), ...outputs });
  });

  const actor = (body: z.output<typeof actingSchema>): Actor => whoAsks(body).actor;
  // The requester withdraws a request still waiting: 200 with it; 403 for anyone else; 409 once decided.
  router.post('/requests/:id/cancel', auth, json, async (req, res) => {
    const body = parseInput(actingSchema, req.body ?? {});
    res.json({ request: withSecretsMasked(await core.cancel(String(req.params.id), actor(body))) });
  });
  // A FAILED request again: 200 with the same request back in the queue, or 201 with the new request that corrects it.
  router.post('/requests/:id/retry', auth, json, async (req, res) => {
    const { accountEmail, accountName, ou, ...who } = parseInput(retrySchema, req.body ?? {});
    const changes = { ...(accountEmail ? { accountEmail } : {}), ...(accountName ? { accountName } : {}), ...(ou ? { ou } : {}) };
    const { request, created } = await core.retry(String(req.params.id), actor(who), changes);
    res.status(created ? 201 : 200).json({ requestId: request.id, request: withSecretsMasked(request) });
  });

  router.get('/requests', auth, async (req, res) => {
    const email = parseInput(z.object({ email: emailSchema }, { error: 'Add ?email=<requester e-mail>' }), req.query).email;
    res.json({ requests: (await core.requestsOf(email, 50)).map(withSecretsMasked) });
  });

  // A browser asking for /accounts or /products gets the web door's page for it.
  router.get('/accounts', toPage);
  router.get('/products', toPage);
  router.use(accountRoutes(core, { auth, json }));
  router.use(productRoutes(core, { auth, json }));

  router.use(jsonErrors);
  return router;
}
