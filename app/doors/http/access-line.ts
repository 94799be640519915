import { createHash, randomUUID } from 'node:crypto';
import { APPROVAL_LINK_PATH } from '../../core/request/approval-link';

/**
 * What one access line says, wherever the request came in (the Express app's access log, the
 * Lambda function's Slack endpoint): {method, path, status, ms} and "METHOD path status Nms".
 */
// Case-insensitive: Express routes are, so /ACCOUNT/CONFIRM/<token> reaches the same handler.
const APPROVAL_TOKEN = new RegExp(`(${APPROVAL_LINK_PATH.replace(/\//g, '\\/')}\\/)([^/]+)`, 'i');
const MAX_PATH = 200;

/** The path as logged: no query string (it may carry secrets), approval tokens as a fingerprint. */
export function loggedPath(url: string): string {
  const path = url
    .split(/[?#]/, 1)[0]
    .replace(APPROVAL_TOKEN, (_m, prefix: string, token: string) => `${prefix}<fp:${fingerprint(token)}>`);
  return path.length > MAX_PATH ? `${path.slice(0, MAX_PATH)}…` : path;
}

/** First 8 hex chars of sha256(token): lets an operator correlate lines without the token. */
export function fingerprint(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 8);
}

export const accessFields = (method: string, path: string, status: number, ms: number) => ({ method, path, status, ms });
export const accessMessage = (method: string, path: string, status: number, ms: number, aborted = false) =>
  `${method} ${path} ${status} ${ms}ms${aborted ? ' (aborted)' : ''}`;

/** Clients rely on x-request-id: echoed when sent (max 100 chars), else a fresh UUID. */
export const requestIdOf = (sent: string | string[] | undefined): string =>
  (Array.isArray(sent) ? sent[0] : sent)?.slice(0, 100) || randomUUID();
