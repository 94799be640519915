import { BOT_ACCOUNT } from '../../core/use-cases/product-vending';
import { html, type PageOptions, page, SafeHtml } from './html';

/**
 * Products: the catalog the bot vends besides accounts, and a form built from a chosen product's
 * parameters. Like My accounts, the page is a frame: its scripts (public/products.js and
 * public/product-form.js) read GET /products, GET /products/:id and the person's accounts through
 * the REST door, and ask through POST /products/:id/requests, so the API key is checked on every
 * call and the page itself holds no product.
 */

export const PRODUCTS_SCRIPTS = ['chat-store.js', 'page-api.js', 'product-form.js', 'products.js'];

/** The words the scripts read from the core (never a copy of their own); `<` escaped for the script element. */
const pageData = (): string => JSON.stringify({ botAccount: BOT_ACCOUNT }).replace(/</g, '\\u003c');

/** The product id a link asks to open (GET /vend-product?product=prod-...): one short string, else none (the script asks the REST door for it). */
export const chosenProduct = (value: unknown): string | undefined => (typeof value === 'string' && value.length <= 40 ? value : undefined);

/** The page at GET /vend-product (and GET /products for browsers): `product` opens that product's form. */
export function productsPage(product: string | undefined, opts: PageOptions): string {
  const body = html`<h1>Products</h1>
<p class="hint">Besides accounts, the bot launches these Service Catalog products for you, once an approver agrees. Choose one to fill in its parameters.</p>
<p class="notice sandbox-note" id="catalog-sandbox" data-testid="catalog-sandbox" hidden>sandbox: simulated. This catalog is the bot's sandbox: nothing is created in AWS and every output is made up.</p>
<p class="notice" id="products-note" data-testid="products-note" aria-live="polite">Loading the catalog…</p>
<ol class="product-list" id="products" data-testid="products" data-chosen="${product ?? ''}"></ol>
<section class="product-slot" id="product-slot" data-testid="product-slot" aria-live="polite"></section>
<template id="product-template">
<li class="product-card" data-testid="product">
<div class="card-head"><h2 class="card-title" data-testid="product-name"></h2><span class="badge" data-testid="product-version"></span></div>
<p class="product-description" data-testid="product-description"></p>
<p class="product-owner muted" data-testid="product-owner"></p>
<button type="button" class="secondary" data-action="choose" data-testid="product-choose">Choose</button>
</li>
</template>
<script type="application/json" id="products-data">${new SafeHtml(pageData())}</script>`;
  return page('Products', body, opts, PRODUCTS_SCRIPTS);
}
