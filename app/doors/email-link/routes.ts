import express, { type Response, Router } from 'express';
import * as z from 'zod';
import { ForbiddenError, NotYourTurnError, RequestExpiredError, TransitionConflictError, ValidationError } from '../../core/errors';
import type { AccountRequest, Actor } from '../../core/request/account-request';
import { APPROVAL_LINK_PATH, type ApprovalGrant } from '../../core/request/approval-link';
import { MAX_REASON_CHARACTERS } from '../../core/request/validation';
import type { VendingCore } from '../../core/vending-core';
import { type Door, routesOnly } from '../door';
import { httpStatusOf, parseInput } from '../http/errors';
import { html, type PageOptions, page, type SafeHtml } from '../web/html';
import { LIVE_SCRIPT } from '../web/request-page';
import { decidedBy, lastChange, liveRegion, requestDetails, statusWords, timeline } from '../web/request-view';

/**
 * Approval by e-mail link. Opening the link (GET) only shows the request and a form; the form's
 * POST decides. The token proves which approver the link was sent to; the decision still goes
 * through the core's approver rules and compare-and-set, so a link decides at most once.
 */

/** The form's fields; the reason's rules are the core's (checked by decide). */
const decisionSchema = z.object({
  decision: z.enum(['approve', 'deny'], { error: 'Choose Approve or Deny' }),
  reason: z.string().optional(),
});

export function emailLinkDoor(core: VendingCore, page: PageOptions): Door {
  return routesOnly('email-link', approvalRoutes(core, { page }), `approval links ${APPROVAL_LINK_PATH}/<token> (GET shows, POST decides)`);
}

function approvalRoutes(core: VendingCore, deps: { page: PageOptions }): Router {
  const router = Router();
  const show = (res: Response, status: number, title: string, body: SafeHtml) =>
    res
      .status(status)
      .type('html')
      .send(page(title, body, deps.page));

  /** The grant in the link, or a page saying why there is none. */
  const grantOf = async (token: string, res: Response): Promise<{ grant: ApprovalGrant; request: AccountRequest } | undefined> => {
    const link = await core.openApprovalLink(token);
    if (link.ok) return { grant: link.grant, request: link.request };
    if (link.reason === 'malformed' || link.reason === 'forged') {
      const msg =
        link.reason === 'forged'
          ? 'This approval link has been altered: its signature does not match.'
          : 'This approval link is incomplete or malformed.';
      show(
        res,
        link.reason === 'forged' ? 403 : 400,
        'Invalid link',
        html`<h1>Invalid approval link</h1><p class="error" data-testid="link-error">${msg}</p><p>Use the link from the approval e-mail exactly as it was sent.</p>`,
      );
    } else if (link.reason === 'unknown-request') {
      show(
        res,
        404,
        'Unknown request',
        html`<h1>Unknown request</h1><p class="error" data-testid="link-error">The request this link belongs to does not exist.</p>`,
      );
    } else if (link.reason === 'expired') {
      show(
        res,
        410,
        'Link expired',
        html`<h1>This approval link has expired</h1>
<p class="error" data-testid="link-error">It expired at ${link.grant.expiresAt.toISOString()}. The request is now ${lastChange(link.request)}.</p>${requestDetails(link.request)}`,
      );
    }
    return undefined;
  };

  const alreadyDecided = (res: Response, request: AccountRequest, status = 409) =>
    show(
      res,
      status,
      'Already decided',
      html`<h1>Already decided</h1>
<p class="notice" data-testid="already-decided">This request is already ${lastChange(request)}. Nothing was changed.</p>${requestDetails(request)}`,
    );

  const form = (grant: ApprovalGrant, request: AccountRequest, error?: string) => html`<h1>Account request waiting for your decision</h1>
<p>Signed in by link as <strong>${grant.approver}</strong>.</p>
${requestDetails(request)}
${error ? html`<p class="error" role="alert" data-testid="form-error">${error}</p>` : ''}
<form method="post" class="decision">
  <label for="reason">Reason (required to deny, shown to the requester)</label>
  <textarea id="reason" name="reason" maxlength="${MAX_REASON_CHARACTERS}" rows="3"></textarea>
  <div class="buttons">
    <button type="submit" name="decision" value="approve" class="approve">Approve</button>
    <button type="submit" name="decision" value="deny" class="deny">Deny</button>
  </div>
</form>`;

  router.get(`${APPROVAL_LINK_PATH}/:token`, async (req, res) => {
    const found = await grantOf(String(req.params.token), res);
    if (!found) return;
    if (found.request.status !== 'PENDING_APPROVAL') return void alreadyDecided(res, found.request);
    // A link of a stage that is over (or of someone who already counted) shows why instead of a form.
    try {
      await core.mayDecide(found.request, linkActor(found.grant));
    } catch (err) {
      if (!(err instanceof NotYourTurnError || err instanceof ForbiddenError)) throw err;
      return void show(
        res,
        httpStatusOf(err),
        'Nothing to decide',
        html`<h1>Nothing to decide now</h1>
<p class="notice" data-testid="not-your-turn">${err.message}</p>${requestDetails(found.request)}`,
      );
    }
    show(res, 200, 'Decide', form(found.grant, found.request));
  });

  router.post(`${APPROVAL_LINK_PATH}/:token`, express.urlencoded({ extended: false, limit: '16kb' }), async (req, res) => {
    const token = String(req.params.token);
    const found = await grantOf(token, res);
    if (!found) return;
    const actor = linkActor(found.grant);
    try {
      const body = parseInput(decisionSchema, req.body ?? {});
      await core.decide(found.request, body.decision, actor, body.reason);
      res.redirect(303, `${deps.page.base ?? ''}${APPROVAL_LINK_PATH}/${encodeURIComponent(token)}/result`);
    } catch (err) {
      if (err instanceof TransitionConflictError) return void alreadyDecided(res, err.current);
      if (err instanceof RequestExpiredError) {
        return void show(
          res,
          410,
          'Request expired',
          html`<h1>This request has expired</h1>
<p class="error" data-testid="link-error">${err.message}</p>${requestDetails(await core.lookUp(found.request.id))}`,
        );
      }
      if (err instanceof ValidationError) return void show(res, 400, 'Decide', form(found.grant, found.request, err.message));
      if (err instanceof ForbiddenError) {
        return void show(res, 403, 'Not allowed', html`<h1>Not allowed</h1><p class="error" data-testid="link-error">${err.message}</p>`);
      }
      if (httpStatusOf(err) < 500) return void show(res, httpStatusOf(err), 'Error', html`<p class="error">${(err as Error).message}</p>`);
      throw err;
    }
  });

  /** After deciding: who decided and the request as it goes on, updated in place until it is final. */
  router.get(`${APPROVAL_LINK_PATH}/:token/result`, async (req, res) => {
    const found = await grantOf(String(req.params.token), res);
    if (!found) return;
    const r = found.request;
    const by = decidedBy(r);
    const outcome = r.decision?.outcome === 'denied' ? 'Denied' : 'Approved';
    const body = html`<h1>Decision recorded</h1>
${liveRegion(
  r,
  html`<p class="notice" data-testid="result">${by ? html`${outcome} by <strong>${by}</strong>. ` : ''}The request is now ${statusWords(r.status).toLowerCase()}.</p>
${timeline(r)}
${requestDetails(r)}`,
)}`;
    res
      .status(200)
      .type('html')
      .set('cache-control', 'no-store')
      .send(page('Decision recorded', body, deps.page, [LIVE_SCRIPT]));
  });

  // Four parameters, even if the request is not used: that is how Express tells an error handler.
  router.use((err: unknown, _req: express.Request, res: Response, next: express.NextFunction) => {
    if (httpStatusOf(err) >= 500) return next(err);
    show(res, httpStatusOf(err), 'Error', html`<h1>Bad request</h1><p class="error">${(err as Error).message}</p>`);
  });
  return router;
}

/** Who decides through a link: the approver it was sent to. */
const linkActor = (grant: ApprovalGrant): Actor => ({
  id: grant.approver,
  email: grant.approver,
  name: grant.approver,
  door: 'email-link',
});
