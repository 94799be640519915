import pino from 'pino';
import type { Logger } from '../core/ports/logger';

/** Keys whose values never belong in a log line: a safety net behind the access log's own care. */
const SECRET_KEYS = [
  'token',
  'secret',
  'password',
  'apiKey',
  'signingSecret',
  'botToken',
  'appToken',
  'clientSecret',
  'API_KEY',
  'APPROVAL_SECRET',
  'SLACK_SIGNING_SECRET',
  'SLACK_BOT_TOKEN',
  'SLACK_APP_TOKEN',
];
const SECRET_HEADERS = ['.authorization', '.Authorization', '["x-api-key"]', '["x-slack-signature"]', '.cookie', '["set-cookie"]'];
export const REDACTED_PATHS = [
  ...SECRET_KEYS.flatMap((k) => [k, `*.${k}`]),
  // req.headers, err.headers, ...: header objects wherever a serialiser or an SDK error puts them.
  ...SECRET_HEADERS.flatMap((h) => [`headers${h}`, `*.headers${h}`]),
];

/** Pretty output is for a person at a terminal; pipes, files and Lambda (CloudWatch) get JSON lines. */
export function prettyWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && !env.AWS_LAMBDA_FUNCTION_NAME;
}

/** Structured logs, one line per event; domain lines carry `requestId`, HTTP lines `reqId`. */
export function createLogger(level: string, destination?: pino.DestinationStream): pino.Logger & Logger {
  return pino(
    {
      level,
      base: { service: 'vending-bot' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    destination ?? (prettyWanted(process.stdout) ? prettyStream() : undefined),
  );
}

/** In-process and synchronous (no worker thread), so nothing is lost on exit; loaded only when used. */
function prettyStream(): pino.DestinationStream {
  const pretty = require('pino-pretty') as typeof import('pino-pretty');
  return pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,service', singleLine: true, sync: true });
}
