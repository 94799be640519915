import { type RequestHandler, Router } from 'express';
import * as z from 'zod';
import { withSecretsMasked } from '../../core/products/sealed';
import { reasonSchema } from '../../core/request/validation';
import type { VendingCore } from '../../core/vending-core';
import { parseInput } from '../http/errors';
import { askerFields, field, whoAsks } from './askers';

/**
 * Product vending over REST: the catalog, a product's parameters, a request for a product (checked
 * against the product's own constraints before anything is stored), and the termination of a
 * launched one. 201 with the request; 400 naming the parameter and the constraint it breaks; 404
 * for a product not in the catalog.
 */

const asker = askerFields;
const productRequestSchema = z.object(
  {
    ...asker,
    parameters: z.record(z.string(), z.unknown(), { error: 'parameters must be a JSON object of parameter names to values' }).optional(),
    accountId: z
      .string({ error: 'accountId must be a string' })
      .regex(/^\d{12}$/, 'accountId must be a 12-digit AWS account id')
      .optional(),
    reason: reasonSchema.optional(),
  },
  { error: 'The body must be a JSON object with UserEmail, UserName, UserLastname, parameters and reason' },
);
const terminateSchema = z.object(
  { ...asker, reason: field('reason', reasonSchema) },
  { error: 'The body must be a JSON object with UserEmail, UserName, UserLastname and reason' },
);

export function productRoutes(core: VendingCore, guard: { auth: RequestHandler; json: RequestHandler }): Router {
  const router = Router();
  const { auth, json } = guard;

  router.get('/products', auth, async (_req, res) => {
    res.json({ catalog: core.catalog.kind, products: await core.catalog.products() });
  });

  router.get('/products/:productId', auth, async (req, res) => {
    res.json(await core.catalog.product(String(req.params.productId)));
  });

  router.post('/products/:productId/requests', auth, json, async (req, res) => {
    const body = parseInput(productRequestSchema, req.body ?? {});
    const { requester, actor } = whoAsks(body);
    const request = await core.catalog.ask(
      String(req.params.productId),
      {
        requester,
        parameters: body.parameters,
        ...(body.accountId ? { accountId: body.accountId } : {}),
        ...(body.reason ? { reason: body.reason } : {}),
      },
      actor,
    );
    res.status(201).json({ requestId: request.id, request: withSecretsMasked(request) });
  });

  router.post('/requests/:id/terminate', auth, json, async (req, res) => {
    const body = parseInput(terminateSchema, req.body ?? {});
    const { requester, actor } = whoAsks(body);
    const request = await core.catalog.terminate(String(req.params.id), { requester, reason: body.reason }, actor);
    res.status(201).json({ requestId: request.id, request: withSecretsMasked(request) });
  });
  return router;
}
