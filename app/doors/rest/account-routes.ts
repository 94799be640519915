import { type RequestHandler, Router } from 'express';
import * as z from 'zod';
import { emailSchema, personNameSchema, reasonSchema } from '../../core/request/validation';
import type { AccountAsk } from '../../core/use-cases/account-life';
import { MAX_EXTENSION_DAYS } from '../../core/use-cases/account-life';
import type { VendingCore } from '../../core/vending-core';
import { parseInput } from '../http/errors';
import { askerFields, field, whoAsks } from './askers';

/**
 * The accounts the bot vended, over REST: list an owner's, show one, and ask to move, close or
 * extend one. Each ask answers 201 with the request it made (through the approval policy); 403
 * for anyone but the owner or an approver, 404 for an account the bot did not vend, 409 when the
 * account is closed or already has an open request.
 */

const asker = z.object(
  { ...askerFields, reason: field('reason', reasonSchema) },
  { error: 'The body must be a JSON object with UserEmail, UserName, UserLastname and reason' },
);
const moveSchema = asker.extend({
  ou: z.string({ error: 'ou is required (a string)' }).min(1, 'ou must name an organizational unit').max(200),
});
/** An extension names only its asker's e-mail (the owner, or an approver) besides the days. */
const extendSchema = z.object(
  {
    UserEmail: askerFields.UserEmail,
    UserName: personNameSchema('UserName').optional(),
    UserLastname: personNameSchema('UserLastname').optional(),
    days: z
      .number({ error: 'days is required (a whole number of days)' })
      .int('days must be a whole number')
      .min(1, 'days must be at least 1')
      .max(MAX_EXTENSION_DAYS, `days must be at most ${MAX_EXTENSION_DAYS}`),
    reason: field('reason', reasonSchema),
  },
  { error: 'The body must be a JSON object with UserEmail, days and reason' },
);

type Asker = { UserEmail: string; UserName?: string; UserLastname?: string; reason: string };

export function accountRoutes(core: VendingCore, guard: { auth: RequestHandler; json: RequestHandler }): Router {
  const router = Router();
  const { auth, json } = guard;

  router.get('/accounts', auth, async (req, res) => {
    const email = parseInput(z.object({ email: emailSchema }, { error: 'Add ?email=<owner e-mail>' }), req.query).email;
    res.json({ accounts: await core.accountsOf(email) });
  });

  router.get('/accounts/:accountId', auth, async (req, res) => {
    res.json(await core.account(String(req.params.accountId)));
  });

  const ask =
    (toAsk: (body: never) => AccountAsk, schema: z.ZodType<Asker>): RequestHandler =>
    async (req, res) => {
      const body = parseInput(schema, req.body ?? {});
      const { requester, actor } = whoAsks(body);
      const request = await core.askAboutAccount(
        String(req.params.accountId),
        toAsk(body as never),
        { requester, reason: body.reason },
        actor,
      );
      res.status(201).json({ requestId: request.id, request });
    };
  router.post(
    '/accounts/:accountId/move',
    auth,
    json,
    ask((b: { ou: string }) => ({ kind: 'move-account', ou: b.ou }), moveSchema),
  );
  router.post(
    '/accounts/:accountId/close',
    auth,
    json,
    ask(() => ({ kind: 'close-account' }), asker),
  );
  router.post(
    '/accounts/:accountId/extend',
    auth,
    json,
    ask((b: { days: number }) => ({ kind: 'extend-lease', days: b.days }), extendSchema),
  );
  return router;
}
