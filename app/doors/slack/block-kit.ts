/**
 * slack-block-builder, loaded when the first view is built rather than with the Slack door: it sets
 * up some 150 modules as it loads (about 8 ms of a Lambda cold start), which a command answered in
 * text (help, status) or an event that only stores a turn never needs. The views import these in
 * place of the package's own; each forwards to it, loading it once.
 */
type Kit = typeof import('slack-block-builder');

let kit: Kit | undefined;
// A plain require: bundled with the rest (esbuild), and run on first use only.
const load = (): Kit => (kit ??= require('slack-block-builder') as Kit);

const namespace = <K extends 'Bits' | 'Blocks' | 'Elements'>(name: K): Kit[K] =>
  new Proxy({} as Kit[K], { get: (_target, key) => (load()[name] as Record<PropertyKey, unknown>)[key] });

export const Bits = namespace('Bits');
export const Blocks = namespace('Blocks');
export const Elements = namespace('Elements');
export const Modal: Kit['Modal'] = (params) => load().Modal(params);
export const HomeTab: Kit['HomeTab'] = (params) => load().HomeTab(params);
export const Message: Kit['Message'] = (params) => load().Message(params);
