import { masked } from '../../core/products/sealed';
import type { AccountRequest } from '../../core/request/account-request';
import { html, type SafeHtml } from './html';

/**
 * A product request (and the termination of one) as the pages show it: the product, where it is
 * launched, its parameters with the secrets masked, and once launched its outputs.
 */

type Row = [string, string | SafeHtml | undefined];

/** A request about a product: a launch or a termination. */
export const isProductRequest = (r: AccountRequest): r is AccountRequest & { product: NonNullable<AccountRequest['product']> } =>
  !!r.product && (r.kind === 'product' || r.kind === 'terminate-product');

/** Where the product goes: one of the requester's accounts, or where the bot runs. */
export const launchedIn = (r: AccountRequest): string => (r.accountId ? `${r.account.name} (${r.accountId})` : r.account.name);

/** The rows of the details that are a product's (instead of an account's). */
export function productRows(r: AccountRequest): Row[] {
  const p = r.product;
  if (!p) return [];
  const shown = masked(p.parameters, p.secretKeys);
  const keys = Object.keys(shown);
  return [
    ['Product', html`${p.name} <code data-testid="product-id">${p.productId}</code>`],
    ['Version', p.artifactId],
    ['Launched in', html`<span data-testid="launched-in">${launchedIn(r)}</span>`],
    ['Provisioned product', html`<code>${p.provisionedProductName}</code>`],
    [
      'Parameters',
      keys.length
        ? html`<dl class="parameters" data-testid="parameters">${keys.map(
            (k) =>
              html`<dt>${k}</dt><dd data-key="${k}">${p.secretKeys?.includes(k) ? html`<span class="masked" title="A secret: never shown">${shown[k]}</span>` : html`<code>${shown[k]}</code>`}</dd>`,
          )}</dl>`
        : 'none',
    ],
    [
      'Terminates',
      p.terminates && html`<a href="requests/${encodeURIComponent(p.terminates)}" data-testid="terminates">${p.terminates}</a>`,
    ],
  ];
}

/** A launched product's outputs: what it gave (the bucket's name, the VPC's id). */
export function outputsTable(r: AccountRequest): SafeHtml | '' {
  const outputs = r.kind === 'product' ? r.product?.outputs : undefined;
  if (!outputs) return '';
  if (!outputs.length) return html`<h2>Outputs</h2><p class="empty" data-testid="outputs-empty">The product gave no outputs.</p>`;
  return html`<h2>Outputs</h2>
<table class="outputs" data-testid="outputs">
<thead><tr><th scope="col">Key</th><th scope="col">Value</th><th scope="col">Description</th></tr></thead>
<tbody>${outputs.map(
    (o) =>
      html`<tr data-key="${o.key}"><th scope="row" data-testid="output-key">${o.key}</th><td><code data-testid="output-value">${o.value}</code></td><td data-testid="output-description">${o.description ?? ''}</td></tr>`,
  )}</tbody>
</table>`;
}

/** What the product request's page leads with, by its state; undefined to say it as for any request. */
export function productLead(r: AccountRequest): SafeHtml | undefined {
  const p = r.product;
  if (!p) return undefined;
  const simulated = r.provisioning?.factory === 'sandbox' ? html` <span class="badge">sandbox: simulated</span>` : '';
  if (r.status === 'SUCCEEDED' && r.kind === 'product')
    return html`The product <strong>${p.name}</strong> is launched in ${launchedIn(r)}.${simulated}`;
  if (r.status === 'SUCCEEDED') return html`The product <strong>${p.name}</strong> is terminated.${simulated}`;
  if (r.status === 'FAILED')
    return html`${r.kind === 'product' ? 'The launch' : 'The termination'} failed: ${r.provisioning?.failureReason ?? 'Service Catalog reported a failure'}.`;
  return undefined;
}

/** The heading of a product request's page. */
export const productHeading = (r: AccountRequest): SafeHtml =>
  html`<h1>${r.product?.name ?? 'A product'} <span class="muted">· ${r.kind === 'terminate-product' ? 'termination' : 'product'}</span></h1>`;

/** The Terminate part of the request page's actions: a reason, and who asks (remembered from the chat page). */
export const terminateFields = (): SafeHtml => html`<div class="terminate-fields fields" data-testid="terminate-fields" hidden>
<div class="field"><label for="terminate-reason">Why should the product be terminated?</label>
<textarea id="terminate-reason" name="reason" rows="2" maxlength="500" data-testid="terminate-reason"></textarea></div>
<div class="field"><label for="actor-first-name">Your first name</label>
<input id="actor-first-name" name="firstName" type="text" autocomplete="given-name" maxlength="64" data-testid="actor-first-name"></div>
<div class="field"><label for="actor-last-name">Your last name</label>
<input id="actor-last-name" name="lastName" type="text" autocomplete="family-name" maxlength="64" data-testid="actor-last-name"></div>
<div class="inline"><button type="button" class="danger" data-send="terminate" data-testid="terminate-confirm">Terminate the product</button></div>
</div>`;
