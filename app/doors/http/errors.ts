import { timingSafeEqual } from 'node:crypto';
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import type {} from 'pino-http'; // adds req.log
import type * as z from 'zod';
import {
  AccountStateError,
  ContentionError,
  DomainError,
  DuplicateConfirmationError,
  ForbiddenError,
  NotFoundError,
  NotYourTurnError,
  RequestExpiredError,
  TransitionConflictError,
  ValidationError,
} from '../../core/errors';

/** How a domain error reads over HTTP: a 4xx that names the problem, never a 500 for bad input. */
export function httpStatusOf(err: unknown): number {
  if (err instanceof ValidationError) return 400;
  if (err instanceof ForbiddenError) return 403;
  if (err instanceof NotFoundError) return 404;
  // Lost races and decisions that came too late: the caller's request conflicts with the current state.
  if (
    err instanceof TransitionConflictError ||
    err instanceof RequestExpiredError ||
    err instanceof DuplicateConfirmationError ||
    err instanceof ContentionError ||
    err instanceof NotYourTurnError ||
    err instanceof AccountStateError
  )
    return 409;
  if (err instanceof DomainError) return 400;
  const status = (err as { status?: number; statusCode?: number })?.status ?? (err as { statusCode?: number })?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : 500;
}

export function errorBody(err: unknown): { error: string; field?: string } {
  if (err instanceof ValidationError) return { error: err.message, field: err.field };
  if (err instanceof DomainError) return { error: err.message };
  const type = (err as { type?: string })?.type;
  if (type === 'entity.too.large') return { error: `The request body is too large${limitOf(err)}` };
  if (type === 'entity.parse.failed') return { error: 'The request body is not valid JSON' };
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') return { error: 'The request body must be UTF-8' };
  if (httpStatusOf(err) < 500) return { error: (err as Error)?.message || 'Bad request' };
  return { error: 'Internal error; the request id in the logs has the details' };
}

/** body-parser says what the route's limit was (64 KiB for REST, Bolt's 4 MiB for Slack's endpoint). */
const limitOf = (err: unknown) => {
  const limit = (err as { limit?: unknown }).limit;
  return typeof limit === 'number' ? ` (the limit is ${Math.round(limit / 1024)} KiB)` : '';
};

/** JSON errors for the REST routes; 5xx are logged with the stack, 4xx are the caller's to fix. */
export const jsonErrors: ErrorRequestHandler = (err, req, res, _next: NextFunction) => {
  const status = httpStatusOf(err);
  if (status >= 500) req.log?.error({ err }, 'request failed');
  res.status(status).json(errorBody(err));
};

/** Parses `value` with a zod schema; the first issue becomes a 400 naming the field. */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue.path.join('.') || 'body';
  throw new ValidationError(field, issue.path.length ? `${field}: ${issue.message}` : issue.message);
}

/** Requires `x-api-key` when a key is configured (trusted integrations); compared in constant time. */
export function requireApiKey(apiKey: string | undefined): RequestHandler {
  const expected = apiKey ? Buffer.from(apiKey) : undefined;
  return (req: Request, res: Response, next: NextFunction) => {
    if (!expected) return next();
    const given = Buffer.from(req.get('x-api-key') ?? '');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return next();
    res.status(401).json({ error: 'Missing or wrong API key: send it in the x-api-key header' });
  };
}
