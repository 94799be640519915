import type { Request, RequestHandler, Response } from 'express';
import type pino from 'pino';
import { pinoHttp } from 'pino-http';
import { accessFields, accessMessage, loggedPath, requestIdOf } from './access-line';

function requestId(req: Request, res: Response): string {
  const id = requestIdOf(req.headers['x-request-id']);
  res.setHeader('x-request-id', id);
  return id;
}

const pathOf = (req: Request) => loggedPath(req.originalUrl ?? req.url);
const fields = (req: Request, res: Response, ms: number) => accessFields(req.method, pathOf(req), res.statusCode, ms);
const message = (req: Request, res: Response, ms: number) => accessMessage(req.method, pathOf(req), res.statusCode, ms, !res.writableEnded);

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
