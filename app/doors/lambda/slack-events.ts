import type pino from 'pino';
import { accessFields, accessMessage, requestIdOf } from '../http/access-line';
import { errorBody } from '../http/errors';
import { SLACK_BODY_LIMIT, type SlackHttpAnswer, type SlackHttpRequest } from '../slack/receiver';

/** An API Gateway event (REST v1 or HTTP API v2), as far as Slack's endpoint reads it. */
interface ApiGatewayEvent {
  httpMethod?: string;
  path?: string;
  rawPath?: string;
  pathParameters?: { proxy?: string } | null;
  requestContext?: { http?: { method?: string } };
  headers?: Record<string, string | undefined> | null;
  body?: string | null;
  isBase64Encoded?: boolean;
}

const SLACK_ENDPOINT = /^\/slack\/events\/?$/i;
/** A body over the limit, said as the HTTP app's error handler says body-parser's (errors.ts). */
const TOO_LARGE = { type: 'entity.too.large', limit: SLACK_BODY_LIMIT };

/** Whether an API Gateway event is a POST to Slack's endpoint, the path read as serverless-express reads it (the proxy parameter first). */
export function isSlackEvents(event: unknown): boolean {
  const e = event as ApiGatewayEvent;
  const method = e.httpMethod ?? e.requestContext?.http?.method;
  const path = e.pathParameters?.proxy ? `/${e.pathParameters.proxy}` : (e.rawPath ?? e.path);
  return method === 'POST' && SLACK_ENDPOINT.test(path ?? '');
}

/**
 * Slack's endpoint on Lambda: API Gateway's event handed to the Slack door's receiver as it is, with
 * no HTTP app in between (as Bolt's AwsLambdaReceiver does, with the receiver's guarantees). The
 * body is decoded to the very bytes Slack signed (base64 included, whatever its characters), the
 * answer carries an x-request-id, and one access line is logged as the HTTP app logs it.
 */
export async function answerSlackEvent(
  answer: (req: SlackHttpRequest) => Promise<SlackHttpAnswer>,
  event: unknown,
  log: pino.Logger,
): Promise<{ statusCode: number; headers: Record<string, string>; body: string }> {
  const started = performance.now();
  const e = event as ApiGatewayEvent;
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(e.headers ?? {})) headers[name.toLowerCase()] = value;
  const rawBody = Buffer.from(e.body ?? '', e.isBase64Encoded ? 'base64' : 'utf8');
  const reqId = requestIdOf(headers['x-request-id']);
  const a =
    rawBody.length > SLACK_BODY_LIMIT
      ? { status: 413, headers: {}, body: JSON.stringify(errorBody(TOO_LARGE)) }
      : await answer({ rawBody, headers });
  const ms = Math.round(performance.now() - started);
  const path = e.rawPath ?? e.path ?? '/slack/events';
  if (log.isLevelEnabled('info'))
    log.info({ reqId, ...accessFields('POST', path, a.status, ms) }, accessMessage('POST', path, a.status, ms));
  return { statusCode: a.status, headers: { ...a.headers, 'x-request-id': reqId }, body: a.body };
}
