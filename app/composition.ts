import express from 'express';
import helmet from 'helmet';
import { join, resolve } from 'node:path';
import { pinoHttp } from 'pino-http';
import { randomUUID } from 'node:crypto';
import { documentClient } from './adapters/aws/dynamodb-client';
import { DynamoDbSessionStore } from './adapters/aws/dynamodb-sessions';
import { DynamoDbRequestStore } from './adapters/aws/dynamodb-store';
import { DynamoDbIdempotencyStore } from './adapters/aws/dynamodb-idempotency';
import { loadOrCreateApprovalSecret } from './adapters/local/approval-secret';
import { EmbeddedDialog } from './adapters/local/dialog/embedded-dialog';
import { type EmbeddedDynamoDb, startEmbeddedDynamoDb } from './adapters/local/embedded-dynamodb';
import { Outbox } from './adapters/local/outbox';
import { SandboxAccountFactory } from './adapters/local/sandbox-factory';
import { loadBotModel } from './bot-model-file';
import { restRoutes } from './channels/rest/rest-routes';
import { approvalRoutes } from './channels/web/approval-routes';
import { webRoutes } from './channels/web/web-routes';
import { jsonErrors } from './channels/http-errors';
import { createSlackDoor, type SlackDoor } from './channels/slack/slack-door';
import { SlackApprovalMessage, SlackRequesterDm } from './channels/slack/slack-effects';
import type { Config } from './config';
import { ApprovalTokens } from './core/approval-token';
import { ApproverPolicy } from './core/approvers';
import { Conversation } from './core/conversation';
import { DEFAULT_RETRY, EffectDispatcher, type RetryPolicy } from './core/effects';
import { ApproverMail, QueueDrain, RequesterMail } from './core/notifications';
import { type AccountFactory, type Clock, type Notifier, systemClock } from './core/ports';
import { Provisioner } from './core/provisioning';
import { Transitions } from './core/transitions';
import { VendingService } from './core/vending-service';
import { createLogger } from './logger';

/**
 * The one composition root: builds the whole application from the configuration. The entry
 * points (server.ts, later lambda.ts) only start what this returns.
 */
export interface VendingApp {
  http: express.Express;
  config: Config;
  service: VendingService;
  conversation: Conversation;
  provisioner: Provisioner;
  dispatcher: EffectDispatcher;
  tokens: ApprovalTokens;
  outbox?: Outbox;
  /** The Slack door, when Slack is configured. */
  slack?: SlackDoor;
  /** What each port runs on, for the start banner and /healthz. */
  describe(): Record<string, string>;
  /** Starts the timers: effect retries and the reconciler. */
  startBackground(): void;
  close(): Promise<void>;
}

export interface BuildOptions {
  clock?: Clock;
  /** Port overrides (tests, and later the AWS adapters' own wiring). */
  notifier?: Notifier;
  factory?: AccountFactory;
  logger?: ReturnType<typeof createLogger>;
  retry?: RetryPolicy;
}

export async function createVendingApp(config: Config, opts: BuildOptions = {}): Promise<VendingApp> {
  const clock = opts.clock ?? systemClock;
  const log = opts.logger ?? createLogger(config.LOG_LEVEL);
  const dataDir = resolve(config.DATA_DIR);
  const closers: Array<() => Promise<void> | void> = [];

  // Store: the DynamoDB adapter, against the embedded server unless TABLE_NAME names a real table.
  let embedded: EmbeddedDynamoDb | undefined;
  let tableName = config.TABLE_NAME;
  let db = documentClient();
  if (!tableName) {
    embedded = await startEmbeddedDynamoDb({ path: join(dataDir, 'dynamodb') });
    closers.push(() => embedded!.close());
    tableName = embedded.tableName;
    db = documentClient(embedded.clientConfig);
  }
  closers.unshift(() => db.destroy());
  const store = new DynamoDbRequestStore(db, tableName);
  const sessions = new DynamoDbSessionStore(db, tableName);

  const outbox = opts.notifier ? undefined : new Outbox(join(dataDir, 'outbox.jsonl'), log);
  const notifier = opts.notifier ?? outbox!;
  const sandboxFactory = opts.factory
    ? undefined
    : new SandboxAccountFactory({
        delayMs: config.SANDBOX_PROVISION_SECONDS * 1000,
        failPattern: new RegExp(config.SANDBOX_FAIL_PATTERN, 'i'),
        clock,
      });
  const factory = opts.factory ?? sandboxFactory!;
  if (sandboxFactory) closers.unshift(() => sandboxFactory.close());
  const model = loadBotModel();
  const dialog = new EmbeddedDialog({ model, sessions, clock, organizationalUnits: config.organizationalUnits, idleMinutes: config.DIALOG_IDLE_MINUTES });

  const tokens = new ApprovalTokens(config.APPROVAL_SECRET ?? loadOrCreateApprovalSecret(dataDir));
  const approvers = new ApproverPolicy({ emails: config.APPROVER_EMAILS, slackUserIds: config.APPROVERS });
  const dispatcher = new EffectDispatcher(store, clock, log, opts.retry ?? DEFAULT_RETRY);
  const transitions = new Transitions(store, dispatcher, clock);
  const service = new VendingService(store, transitions, dispatcher, approvers, clock, {
    pendingExpiryMs: config.PENDING_EXPIRY_HOURS * 3_600_000,
    organizationalUnits: config.organizationalUnits,
  }, log);
  const provisioner = new Provisioner(store, factory, transitions, clock, {
    maxConcurrent: config.MAX_CONCURRENT_PROVISIONING,
    busyBaseDelayMs: 30_000,
    busyMaxDelayMs: 15 * 60_000,
    relaunchAfterMs: 60_000,
  }, log);
  const conversation = new Conversation(dialog, service, model);

  const linkFor = (request: { id: string; expiresAt: string }, approver: string) =>
    `${config.publicUrl}/account/confirm/${tokens.sign({ requestId: request.id, approver, expiresAt: new Date(request.expiresAt) })}`;
  const sandbox = factory.kind === 'sandbox';
  const slack =
    config.slackMode === 'off'
      ? undefined
      : createSlackDoor({ config, service, conversation, idempotency: new DynamoDbIdempotencyStore(db, tableName, clock), clock, log, sandbox });
  closers.unshift(() => slack?.stop());
  dispatcher
    .register(new ApproverMail(notifier, approvers, linkFor))
    .register(new RequesterMail(notifier, !!slack))
    .register(new QueueDrain(provisioner));
  if (slack) {
    dispatcher.register(new SlackRequesterDm(slack.client));
    if (config.SLACK_APPROVAL_CHANNEL) {
      dispatcher.register(new SlackApprovalMessage(slack.client, config.SLACK_APPROVAL_CHANNEL, config.APPROVERS, (id, ref) => store.setApprovalMessage(id, ref)));
    }
  }
  sandboxFactory?.onOutcome((outcome) => {
    provisioner.complete(outcome).catch((err) => log.error({ err, outcome }, 'could not record a provisioning outcome'));
  });

  const http = express();
  http.disable('x-powered-by');
  http.set('trust proxy', 'loopback');
  http.use(
    pinoHttp({
      logger: log,
      genReqId: (req, res) => {
        const id = (req.headers['x-request-id'] as string | undefined)?.slice(0, 100) || randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' },
    }),
  );
  http.use(helmet({ contentSecurityPolicy: { directives: { 'form-action': ["'self'"], 'upgrade-insecure-requests': null } } }));
  const ports = {
    store: embedded ? `dynamodb (embedded dynalite, ${join(dataDir, 'dynamodb')})` : `dynamodb (table ${tableName})`,
    dialog: `${dialog.kind} (manifest/bot.yml)`,
    notifier: outbox ? `${outbox.kind} (${join(dataDir, 'outbox.jsonl')})` : notifier.kind,
    accountFactory: sandbox ? 'SANDBOX (simulated; no real AWS accounts)' : factory.kind,
    slack: slack
      ? `${slack.mode === 'socket' ? 'Socket Mode' : 'HTTP (POST /slack/events)'}${config.SLACK_APPROVAL_CHANNEL ? `, approvals in ${config.SLACK_APPROVAL_CHANNEL}` : ', no approval channel'}`
      : 'off (set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN, or SLACK_APP_TOKEN for Socket Mode)',
  };
  http.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', ports });
  });
  if (slack?.router) http.use(slack.router);
  http.use(restRoutes({ conversation, service, apiKey: config.API_KEY }));
  http.use(approvalRoutes({ service, tokens, clock, sandbox }));
  http.use(webRoutes({ outbox, sandbox }));
  http.use((_req, res) => {
    res.status(404).json({ error: 'No such route' });
  });
  http.use(jsonErrors);

  const timers: NodeJS.Timeout[] = [];
  return {
    http,
    config,
    service,
    conversation,
    provisioner,
    dispatcher,
    tokens,
    outbox,
    slack,
    describe: () => ports,
    startBackground() {
      const every = (ms: number, name: string, job: () => Promise<unknown>) => {
        let running = false;
        const t = setInterval(() => {
          if (running) return;
          running = true;
          job()
            .catch((err) => log.error({ err }, `${name} failed`))
            .finally(() => {
              running = false;
            });
        }, ms);
        t.unref();
        timers.push(t);
      };
      every(5_000, 'effect sweep', () => dispatcher.sweep());
      every(config.RECONCILE_INTERVAL_SECONDS * 1000, 'reconciler', async () => {
        await service.expireStale();
        await provisioner.reconcile();
      });
    },
    async close() {
      timers.forEach(clearInterval);
      await dispatcher.idle();
      for (const close of closers) await close();
    },
  };
}
