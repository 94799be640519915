import { App, LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { Router } from 'express';
import type { Config } from '../../boot/config';
import type { Conversation } from '../../core/use-cases/conversation';
import type { Clock, IdempotencyStore, Logger } from '../../core/ports/ports';
import type { VendingService } from '../../core/use-cases/vending-service';
import { registerApproving } from './approving';
import { SlackDirectory } from './directory';
import { homePublisher, registerHome } from './home';
import { VendingReceiver } from './receiver';
import { registerRequesting } from './requesting';
import type { EffectHandler } from '../../core/effects/dispatcher';
import { SlackApprovalMessage, SlackReply, type SlackReplyPayload, SlackRequesterDm, SlackTurn, type SlackTurnPayload } from './slack-effects';

export interface SlackDoor {
  mode: 'http' | 'socket';
  /** Mounted on the product's Express app in HTTP mode: POST /slack/events. */
  router?: Router;
  /** What the door carries out after transitions: the approvers' message, DMs, replies, deferred turns. */
  handlers: EffectHandler[];
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
  /** Stores work for one of the door's handlers and starts it (the effects dispatcher's defer). */
  defer(scope: string, handler: string, payload: Record<string, unknown>): Promise<void>;
  /** Remembers where the approvers' message of a request is, to update it in place. */
  rememberApprovalMessage(requestId: string, ref: { channel: string; ts: string }): Promise<void>;
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
  const botToken = config.SLACK_BOT_TOKEN!;
  // Calls made before Slack is answered (profiles, Home tab).
  const client = new WebClient(botToken, clientOptions);
  // Calls made by effects: a rate limit is handed to the dispatcher (which waits Retry-After, durably)
  // instead of pausing this client, so the calls made before an acknowledgement never queue behind it.
  const effectsClient = new WebClient(botToken, { ...clientOptions, rejectRateLimitedCalls: true, retryConfig: { retries: 1, minTimeout: 200, maxTimeout: 500 } });
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
    // Who the bot is (auth.test): asked at start, as Bolt does, and kept once known; a failed ask is
    // asked again with the next request, so an app started while Slack was down works once it is back.
    let identity: Promise<{ botUserId?: string; botId?: string }> | undefined;
    const whoAmI = () =>
      (identity ??= client.auth.test().then(
        (r) => ({ botUserId: r.user_id, botId: r.bot_id }),
        (err) => {
          identity = undefined;
          throw err;
        },
      ));
    whoAmI().catch((err) => log.warn({ err }, 'Slack auth.test failed at start; asked again with the next request'));
    app = new App({ authorize: async () => ({ botToken, ...(await whoAmI()) }), receiver, logger, clientOptions });
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

  const directory = new SlackDirectory(client);
  const reply = (scope: string, payload: SlackReplyPayload) => deps.defer(scope, SlackReply.NAME, { ...payload });
  const base = {
    app,
    service: deps.service,
    conversation: deps.conversation,
    directory,
    organizationalUnits: config.organizationalUnits,
    sandbox: deps.sandbox,
    log,
    reply,
    turnLater: (scope: string, payload: SlackTurnPayload) => deps.defer(scope, SlackTurn.NAME, { ...payload }),
  };
  const listenerDeps = { ...base, publishHome: homePublisher(base, client) };
  registerRequesting(listenerDeps);
  registerApproving(listenerDeps);
  registerHome(listenerDeps);
  app.error(async (error) => {
    log.error({ err: error }, 'Slack listener failed');
  });

  return {
    mode: config.slackMode === 'socket' ? 'socket' : 'http',
    router: receiver?.router as Router | undefined,
    // In this order for each request: what people see first (the approvers' post before its updates, then the DMs).
    handlers: [
      ...(config.SLACK_APPROVAL_CHANNEL ? [new SlackApprovalMessage(effectsClient, config.SLACK_APPROVAL_CHANNEL, config.APPROVERS, deps.rememberApprovalMessage)] : []),
      new SlackRequesterDm(effectsClient),
      new SlackReply(effectsClient),
      new SlackTurn({ directory, conversation: deps.conversation, idempotency: deps.idempotency, clock: deps.clock, reply }),
    ],
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
