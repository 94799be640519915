import { LogLevel, type Logger as SlackLogger, type WebClient } from '@slack/web-api';
import { QuietWebClient } from '../../adapters/slack/quiet-web-client';
import type { Logger } from '../../core/ports/logger';

/** The Slack door's Web API clients and the logger Bolt and they log through. */
export interface SlackClients {
  /** Calls made before Slack is answered (profiles, Home tab, and the listeners' own calls). */
  client: WebClient;
  /** Calls made by effects. */
  effectsClient: WebClient;
  logger: SlackLogger;
  clientOptions: { slackApiUrl?: string; timeout: number; retryConfig: object; logger: SlackLogger };
}

/**
 * Apart from the Bolt app (slack-door.ts), so that a function that only carries out effects
 * (slack-effects-door.ts) loads the Web API client but not Bolt.
 */
export function slackClients(botToken: string, apiUrl: string | undefined, log: Logger): SlackClients {
  const debug = debugEnabled(log);
  const logger = boltLogger(log, debug);
  // Calls made before an acknowledgement must not hang: a bounded timeout and few retries.
  const clientOptions = {
    ...(apiUrl ? { slackApiUrl: apiUrl.replace(/\/?$/, '/') } : {}),
    timeout: 5_000,
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 1_000 },
    logger,
  };
  // The door's clients build no debug lines unless debug is on (QuietWebClient).
  // Calls made before Slack is answered (profiles, Home tab, and the listeners' own calls: see withClient).
  const client: WebClient = new QuietWebClient(botToken, { ...clientOptions, debug });
  // Calls made by effects: a rate limit is handed to the dispatcher (which waits Retry-After, durably)
  // instead of pausing this client, so the calls made before an acknowledgement never queue behind it.
  const effectsClient: WebClient = new QuietWebClient(botToken, {
    debug,
    ...clientOptions,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 1, minTimeout: 200, maxTimeout: 500 },
  });
  return { client, effectsClient, logger, clientOptions };
}

/** Whether the product's logger writes debug lines (pino's isLevelEnabled; a logger without it is taken at its word). */
function debugEnabled(log: Logger): () => boolean {
  const pino = log as Logger & { isLevelEnabled?: (level: string) => boolean };
  return () => pino.isLevelEnabled?.('debug') ?? true;
}

/** Bolt and the Web API client log through the product's structured logger; a debug line costs nothing while debug is off. */
function boltLogger(log: Logger, debug: () => boolean): SlackLogger {
  let level = LogLevel.INFO;
  const line =
    (fn: 'debug' | 'info' | 'warn' | 'error') =>
    (...msg: unknown[]) =>
      log[fn]({ source: 'bolt' }, msg.map(String).join(' '));
  const debugLine = line('debug');
  return {
    debug: (...msg: unknown[]) => {
      if (debug()) debugLine(...msg);
    },
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
