import escapeHtml from 'escape-html';
import type { Request } from 'express';

/** A browser asking for a page: it prefers text/html to JSON (API clients, and any other Accept, get JSON). */
export const wantsHtml = (req: Request): boolean => req.accepts(['application/json', 'text/html']) === 'text/html';

/** HTML that is already safe to emit. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Value = string | number | undefined | null | false | SafeHtml | Value[];

/** Tagged template that escapes every interpolated value unless it is SafeHtml. */
export function html(strings: TemplateStringsArray, ...values: Value[]): SafeHtml {
  let out = strings[0];
  values.forEach((v, i) => {
    out += emit(v) + strings[i + 1];
  });
  return new SafeHtml(out);
}

function emit(v: Value): string {
  if (v === undefined || v === null || v === false) return '';
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return v.map(emit).join('');
  return escapeHtml(String(v));
}

/** Text with e-mail addresses breakable at sensible points: after the @ and before each dot of the domain. */
export function breakable(text: string | undefined): SafeHtml {
  const escaped = escapeHtml(text ?? '');
  return new SafeHtml(
    escaped.replace(/[^\s@<>&]+@[^\s@<>&]+/g, (email) => email.replace('@', '@<wbr>').replace(/\.(?=[^.]*$|[^.]+\.)/g, '<wbr>.')),
  );
}

/** Escapes text and turns http(s) URLs into links. */
export function linkify(text: string): SafeHtml {
  return new SafeHtml(escapeHtml(text).replace(/https?:\/\/[^\s<>"']+/g, (url) => `<a href="${url}">${url}</a>`));
}

export interface PageOptions {
  /** Adds the banner that says results are simulated. */
  sandbox?: boolean;
  /** Path prefix the app is served under (an API Gateway stage, say); links are relative to it. */
  base?: string;
}

/** The shared page frame; `scripts` are this origin's (the CSP allows no other). */
export function page(title: string, body: SafeHtml, opts: PageOptions = {}, scripts: readonly string[] = []): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Account vending</title>
<base href="${opts.base ?? ''}/">
<link rel="icon" href="data:,">
<link rel="stylesheet" href="style.css">
<link rel="stylesheet" href="controls.css">
<link rel="stylesheet" href="pages.css">
<link rel="stylesheet" href="products.css">
${scripts.map((src) => html`<script src="${src}" defer></script>`)}
</head>
<body>
<header class="top"><a href="./" class="brand">☁ <span class="brand-name">Account vending</span></a><nav><a href="./">Chat</a><a href="my-accounts" data-testid="my-accounts-link">My accounts</a><a href="vend-product" data-testid="products-link">Products</a><a href="outbox">Outbox</a></nav></header>
${opts.sandbox ? html`<p class="sandbox-banner">Embedded mode: the Account Factory is a <strong>sandbox</strong> (simulated; no real AWS accounts are created) and e-mail goes to the outbox.</p>` : ''}
<main>${body}</main>
</body>
</html>`.value;
}
