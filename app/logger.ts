import pino from 'pino';
import type { Logger } from './core/ports';

/** Structured JSON logs, one line per event; domain lines carry `requestId`, HTTP lines `reqId`. */
export function createLogger(level: string, destination?: pino.DestinationStream): pino.Logger & Logger {
  return pino(
    {
      level,
      base: { service: 'vending-bot' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers["x-slack-signature"]'], censor: '[redacted]' },
    },
    destination,
  );
}
