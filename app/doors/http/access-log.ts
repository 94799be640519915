import { createHash, randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type pino from 'pino';
import { pinoHttp } from 'pino-http';
import { APPROVAL_LINK_PATH } from '../../core/request/approval-link';

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

/** Clients rely on x-request-id: echoed when sent (max 100 chars), else a fresh UUID. */
function requestId(req: Request, res: Response): string {
  const id = (req.headers['x-request-id'] as string | undefined)?.slice(0, 100) || randomUUID();
  res.setHeader('x-request-id', id);
  return id;
}

const pathOf = (req: Request) => loggedPath(req.originalUrl ?? req.url);
const fields = (req: Request, res: Response, ms: number) => ({ method: req.method, path: pathOf(req), status: res.statusCode, ms });
const message = (req: Request, res: Response, ms: number) =>
  `${req.method} ${pathOf(req)} ${res.statusCode} ${ms}ms${res.writableEnded ? '' : ' (aborted)'}`;

/**
 * One short access line per request ({reqId, method, path, status, ms}; no headers) and `req.log`
 * bound to the reqId only. When access lines could never be written (level above info), pino-http
 * is not installed at all: only the request id is set, and `req.log` falls back to the app logger.
 */
export function accessLog(app: { request: object }, log: pino.Logger): RequestHandler {
  if (!log.isLevelEnabled('info')) {
    // A prototype getter: no per-request work unless something (an error handler) logs.
    Object.defineProperty(app.request, 'log', {
      configurable: true,
      get(this: Request) {
        return log.child({ reqId: this.id });
      },
      // A getter alone would make `req.log = ...` throw (strict mode); let it shadow per request.
      set(this: Request, value: pino.Logger) {
        Object.defineProperty(this, 'log', { value, writable: true, configurable: true, enumerable: true });
      },
    });
    return (req, res, next) => {
      req.id = requestId(req, res);
      next();
    };
  }
  return pinoHttp<Request, Response>({
    logger: log,
    genReqId: requestId,
    quietReqLogger: true,
    quietResLogger: true,
    // pino-http still binds the raw request to a child logger per request: serialise it to nothing.
    wrapSerializers: false,
    serializers: { req: () => undefined, res: () => undefined },
    customAttributeKeys: { responseTime: 'ms' },
    customSuccessObject: (req, res, val: { ms: number }) => fields(req, res, val.ms),
    customErrorObject: (req, res, _err, val: { ms: number }) => fields(req, res, val.ms),
    customSuccessMessage: message,
    // pino-http passes the response time as a 4th argument its types leave out. The error itself
    // (with its stack) is logged once by the error handler, through req.log.
    customErrorMessage: (req, res, _err, ms?: number) => message(req, res, ms ?? 0),
    autoLogging: { ignore: (req) => req.url === '/healthz' },
  });
}
