import { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../core/ports/logger';
import type { OrganizationalUnit } from '../../core/request/account-request';
import type { VendingCore } from '../../core/vending-core';
import type { Door } from '../door';
import { type DeferredRoutes, deferredRoutes } from '../http/deferred-routes';
import { registerAccounts } from './accounts';
import { registerApproving } from './approving';
import { SlackDirectory } from './directory';
import { homePublisher, registerHome } from './home';
import { registerProducts } from './products';
import { type SlackHttpAnswer, type SlackHttpRequest, VendingReceiver } from './receiver';
import { registerRequesting } from './requesting';
import { slackClients } from './slack-clients';
import { SlackTurn, type SlackTurnPayload } from './slack-effects';
import { slackEffectHandlers, slackReply } from './slack-effects-door';
import { registerWithdrawing } from './withdrawing';

/** HTTP events on POST /slack/events (with the signing secret), or Socket Mode (with the app token). */
export type SlackConnection =
  | { mode: 'http'; botToken: string; signingSecret: string }
  | { mode: 'socket'; botToken: string; appToken: string };

/** What the Slack door needs to know: its credentials and where approvals go. */
export type SlackSettings = SlackConnection & {
  /** Only to send Web API calls elsewhere (a proxy, a test server). */
  apiUrl?: string;
  approvalChannel?: string;
  /** Slack user ids tagged on the approvers' message (who may decide is the core's rule). */
  approvers: readonly string[];
  organizationalUnits: readonly OrganizationalUnit[];
};

export interface SlackDoor extends Door {
  readonly mode: 'http' | 'socket';
  /** Answers one request on Slack's endpoint (HTTP mode): what the route on the HTTP app and the Lambda function both call. */
  readonly answer?: (req: SlackHttpRequest) => Promise<SlackHttpAnswer>;
  readonly routes?: DeferredRoutes;
}

/**
 * The Slack door: one Bolt App, reached either over HTTP (events, commands and interactivity on
 * POST /slack/events, through the VendingReceiver: mounted on the one HTTP app, or handed API
 * Gateway's events by the Lambda function) or through Socket Mode. Bolt verifies every request's
 * signature and timestamp.
 *
 * The answer to Slack waits for the listener (as Bolt's processBeforeResponse), which is what makes
 * the same code safe on Lambda (nothing runs after the response). The listeners keep that work
 * small; slow follow-ups run as effects.
 */
export function slackDoor(core: VendingCore, settings: SlackSettings, log: Logger): SlackDoor {
  const { botToken } = settings;
  const { client, effectsClient, logger, clientOptions } = slackClients(botToken, settings.apiUrl, log);
  let receiver: VendingReceiver | undefined;
  let app: App;
  if (settings.mode === 'socket') {
    app = new App({ token: botToken, appToken: settings.appToken, socketMode: true, logger, clientOptions });
  } else {
    receiver = new VendingReceiver(settings.signingSecret, log);
    // Who the bot is (auth.test): asked at start, as Bolt does, and kept once known; a failed ask is
    // asked again with the next request, so an app started while Slack was down works once it is back.
    let identity: Promise<{ botUserId?: string; botId?: string }> | undefined;
    const whoAmI = () => {
      identity ??= client.auth.test().then(
        (r) => ({ botUserId: r.user_id, botId: r.bot_id }),
        (err) => {
          identity = undefined;
          throw err;
        },
      );
      return identity;
    };
    whoAmI().catch((err) => log.warn({ err }, 'Slack auth.test failed at start; asked again with the next request'));
    app = new App({ authorize: async () => ({ botToken, ...(await whoAmI()) }), receiver, logger, clientOptions });
  }

  // Slack redelivers events it thinks were not acknowledged (X-Slack-Retry-Num). The event id is
  // claimed before any work, so a redelivery or a duplicate never makes a second turn or message.
  app.use(async ({ body, context, next }) => {
    const eventId = (body as { event_id?: string }).event_id;
    if (eventId && !(await core.firstTime(`slack-event:${eventId}`, 24 * 3_600_000))) {
      log.info({ eventId, retryNum: context.retryNum, retryReason: context.retryReason }, 'Slack event already handled; skipped');
      return;
    }
    await next();
  });

  const directory = new SlackDirectory(client);
  const reply = slackReply(core);
  const base = {
    app,
    core,
    directory,
    organizationalUnits: settings.organizationalUnits,
    sandbox: core.factoryKind === 'sandbox',
    log,
    reply,
    turnLater: (scope: string, payload: SlackTurnPayload) => core.defer(scope, SlackTurn.NAME, { ...payload }),
  };
  const listenerDeps = { ...base, app: withClient(app, client), publishHome: homePublisher(base, client) };
  registerRequesting(listenerDeps);
  registerApproving(listenerDeps);
  registerWithdrawing(listenerDeps);
  registerAccounts(listenerDeps);
  registerProducts(listenerDeps);
  registerHome(listenerDeps);
  app.error(async (error) => {
    log.error({ err: error }, 'Slack listener failed');
  });

  const approvalChannel = settings.approvalChannel;
  const http = receiver;
  return {
    name: 'slack',
    mode: settings.mode,
    // Loaded with the first request the HTTP app routes here: the Lambda function answers Slack through `answer`, and never loads Express.
    ...(http ? { routes: deferredRoutes(async () => (await import('./slack-routes')).slackRoutes(http)) } : {}),
    answer: http && ((req) => http.answer(req)),
    handlers: slackEffectHandlers(core, { effectsClient, directory, approvalChannel }),
    describe: () =>
      `${settings.mode === 'socket' ? 'Socket Mode' : 'HTTP (POST /slack/events)'}${approvalChannel ? `, approvals in ${approvalChannel}` : ', no approval channel'}`,
    start: async () => {
      if (settings.mode === 'socket') await app.start();
    },
    stop: async () => {
      if (settings.mode === 'socket') await app.stop();
    },
  };
}

/**
 * The app the listeners register on: each listener is handed the door's client (a QuietWebClient,
 * with the bot's one token) as `client`, in place of the WebClient Bolt keeps per workspace, whose
 * every call would build its debug lines whatever the level.
 */
function withClient(app: App, client: WebClient): App {
  const registering = new Set(['command', 'action', 'view', 'event', 'message', 'shortcut', 'options']);
  return new Proxy(app, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof prop !== 'string' || !registering.has(prop) || typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const listener = args.pop() as (listenerArgs: object) => unknown;
        return value.call(target, ...args, (listenerArgs: object) => listener({ ...listenerArgs, client }));
      };
    },
  });
}
