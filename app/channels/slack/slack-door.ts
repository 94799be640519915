import { App, LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { Router } from 'express';
import type { Config } from '../../config';
import type { Conversation } from '../../core/conversation';
import type { Clock, IdempotencyStore, Logger } from '../../core/ports';
import type { VendingService } from '../../core/vending-service';
import { registerApproving } from './approving';
import { SlackDirectory } from './directory';
import { homePublisher, registerHome } from './home';
import { VendingReceiver } from './receiver';
import { registerRequesting } from './requesting';
import type { SlackReplyPayload } from './slack-effects';

export interface SlackDoor {
  mode: 'http' | 'socket';
  /** Mounted on the product's Express app in HTTP mode: POST /slack/events. */
  router?: Router;
  client: WebClient;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface SlackDoorDeps {
  config: Config;
  service: VendingService;
  conversation: Conversation;
  idempotency: IdempotencyStore;
  clock: Clock;
  log: Logger;
  sandbox: boolean;
  /** Stores a reply and posts it as an effect (see SlackReply). */
  reply(scope: string, payload: SlackReplyPayload): Promise<void>;
}

/**
 * The Slack door: one Bolt App, reached either through the ExpressReceiver mounted on the same
 * Express app as the REST door (events, commands and interactivity on POST /slack/events) or
 * through Socket Mode. Bolt verifies every request's signature and timestamp.
 *
 * processBeforeResponse: Bolt answers Slack only after the listener finishes, which is what makes
 * the same code safe on Lambda (nothing runs after the response). The listeners keep that work
 * small; slow follow-ups run as effects.
 */
export function createSlackDoor(deps: SlackDoorDeps): SlackDoor {
  const { config, log } = deps;
  const logger = boltLogger(log);
  // Calls made before an acknowledgement must not hang: a bounded timeout and few retries. Calls
  // made by effects need no more, since the effects dispatcher retries them durably.
  const clientOptions = {
    ...(config.SLACK_API_URL ? { slackApiUrl: config.SLACK_API_URL.replace(/\/?$/, '/') } : {}),
    timeout: 5_000,
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 1_000 },
  };
  let receiver: VendingReceiver | undefined;
  let app: App;
  if (config.slackMode === 'socket') {
    app = new App({ token: config.SLACK_BOT_TOKEN, appToken: config.SLACK_APP_TOKEN, socketMode: true, logger, clientOptions });
  } else {
    receiver = new VendingReceiver(
      {
        signingSecret: config.SLACK_SIGNING_SECRET!,
        endpoints: '/slack/events',
        processBeforeResponse: true,
        router: Router(),
        logger,
      },
      log,
    );
    app = new App({ token: config.SLACK_BOT_TOKEN, receiver, logger, clientOptions });
  }

  // Slack redelivers events it thinks were not acknowledged (X-Slack-Retry-Num). The event id is
  // claimed before any work, so a redelivery or a duplicate never makes a second turn or message.
  app.use(async ({ body, context, next }) => {
    const eventId = (body as { event_id?: string }).event_id;
    if (eventId) {
      const expiresAt = new Date(deps.clock.now().getTime() + 24 * 3_600_000);
      if (!(await deps.idempotency.claimOnce(`slack-event:${eventId}`, expiresAt))) {
        log.info({ eventId, retryNum: context.retryNum, retryReason: context.retryReason }, 'Slack event already handled; skipped');
        return;
      }
    }
    await next();
  });

  const directory = new SlackDirectory(app.client);
  const base = {
    app,
    service: deps.service,
    conversation: deps.conversation,
    directory,
    organizationalUnits: config.organizationalUnits,
    sandbox: deps.sandbox,
    log,
    reply: deps.reply,
  };
  const listenerDeps = { ...base, publishHome: homePublisher(base, app.client) };
  registerRequesting(listenerDeps);
  registerApproving(listenerDeps);
  registerHome(listenerDeps);
  app.error(async (error) => {
    log.error({ err: error }, 'Slack listener failed');
  });

  return {
    mode: config.slackMode === 'socket' ? 'socket' : 'http',
    router: receiver?.router as Router | undefined,
    client: app.client,
    start: async () => {
      if (config.slackMode === 'socket') await app.start();
    },
    stop: async () => {
      if (config.slackMode === 'socket') await app.stop();
    },
  };
}

/** Bolt logs through the product's structured logger. */
function boltLogger(log: Logger): BoltLogger {
  let level = LogLevel.INFO;
  const line = (fn: 'debug' | 'info' | 'warn' | 'error') => (...msg: unknown[]) => log[fn]({ source: 'bolt' }, msg.map(String).join(' '));
  return {
    debug: line('debug'),
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
