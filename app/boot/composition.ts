import type express from 'express';
import { resolve } from 'node:path';
import { loadOrCreateApprovalSecret, loadOrCreateNodeId } from '../adapters/embedded/data-dir-values';
import type { Outbox } from '../adapters/embedded/outbox';
import { loadBotModel } from './bot-model-file';
import { createSlackDoor, type SlackDoor } from '../doors/slack/slack-door';
import type { Config } from './config';
import { ApprovalTokens } from '../core/request/approval-link';
import { ApproverPolicy } from '../core/request/approvers';
import { Conversation } from '../core/use-cases/conversation';
import { DEFAULT_RETRY, EffectDispatcher, type RetryPolicy } from '../core/effects/dispatcher';
import { ApproverMail, QueueDrain, RequesterMail } from '../core/effects/notifications';
import { type Clock, type RequestStore, systemClock } from '../core/ports/ports';
import { Provisioner } from '../core/use-cases/provisioning';
import { Transitions } from '../core/use-cases/transitions';
import { VendingService } from '../core/use-cases/vending-service';
import { httpApp } from '../doors/http/app';
import { createLogger } from './logger';
import { type PortOverrides, portsFromConfig } from './ports-from-config';

/**
 * The one composition root: builds the whole application from the configuration. The entry
 * points (server.ts, lambda.ts) only start what this returns.
 */
export interface VendingApp {
  http: express.Express;
  config: Config;
  store: RequestStore;
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
  /** The periodic work: effect retries, expiry, reminders, the reconciler and the queue. */
  tick(): Promise<void>;
  /** Starts the timers that run `tick` (local server; on AWS a schedule invokes it). */
  startBackground(): void;
  close(): Promise<void>;
}

export interface BuildOptions extends PortOverrides {
  clock?: Clock;
  logger?: ReturnType<typeof createLogger>;
  retry?: RetryPolicy;
  /**
   * Run side effects in this process right after each transition (default). Lambda turns this
   * off: the table's stream carries them instead, so no work is left running after a response.
   */
  inlineEffects?: boolean;
  /** Who claims effects; by default one id per data directory, so a restart takes its own claims back at once. */
  nodeId?: string;
}

export async function createVendingApp(config: Config, opts: BuildOptions = {}): Promise<VendingApp> {
  const clock = opts.clock ?? systemClock;
  const log = opts.logger ?? createLogger(config.LOG_LEVEL);
  const model = loadBotModel();
  const ports = await portsFromConfig(config, { clock, log, model, overrides: opts });
  const { store, notifier, factory, sandboxFactory, dialog } = ports;

  const tokens = new ApprovalTokens(config.APPROVAL_SECRET ?? loadOrCreateApprovalSecret(resolve(config.DATA_DIR)));
  const approvers = new ApproverPolicy({ emails: config.APPROVER_EMAILS, slackUserIds: config.APPROVERS });
  const nodeId = opts.nodeId ?? loadOrCreateNodeId(resolve(config.DATA_DIR));
  const dispatcher = new EffectDispatcher(ports.effects, clock, log, opts.retry ?? DEFAULT_RETRY, opts.inlineEffects ?? true, nodeId);
  const transitions = new Transitions(store, dispatcher, clock, log);
  const service = new VendingService(
    store,
    transitions,
    dispatcher,
    approvers,
    clock,
    { pendingExpiryMs: config.PENDING_EXPIRY_HOURS * 3_600_000, organizationalUnits: config.organizationalUnits },
    log,
  );
  const provisioner = new Provisioner(
    store,
    factory,
    transitions,
    clock,
    { maxConcurrent: config.MAX_CONCURRENT_PROVISIONING, busyBaseDelayMs: 30_000, busyMaxDelayMs: 15 * 60_000, relaunchAfterMs: 60_000 },
    log,
    ports.accountDirectory,
  );
  const conversation = new Conversation(dialog, service, model);
  const sandbox = factory.kind === 'sandbox';

  const slack =
    config.slackMode === 'off'
      ? undefined
      : createSlackDoor({
          config,
          service,
          conversation,
          idempotency: ports.idempotency,
          clock,
          log,
          sandbox,
          defer: (scope, handler, payload) => dispatcher.defer(scope, handler, handler, payload),
          rememberApprovalMessage: (id, ref) => store.setApprovalMessage(id, ref),
        });
  const linkFor = (request: { id: string; expiresAt: string }, approver: string) =>
    `${config.publicUrl}/account/confirm/${tokens.sign({ requestId: request.id, approver, expiresAt: new Date(request.expiresAt) })}`;
  // Effects of one request run in registration order: what people see first, the queue last.
  for (const handler of slack?.handlers ?? []) dispatcher.register(handler);
  dispatcher
    .register(new ApproverMail(notifier, approvers, linkFor))
    .register(new RequesterMail(notifier, !!slack))
    .register(new QueueDrain(provisioner));
  sandboxFactory?.onOutcome((outcome) => {
    provisioner.complete(outcome).catch((err) => log.error({ err, outcome }, 'could not record a provisioning outcome'));
  });

  const description = {
    ...ports.description,
    slack: slack
      ? `${slack.mode === 'socket' ? 'Socket Mode' : 'HTTP (POST /slack/events)'}${config.SLACK_APPROVAL_CHANNEL ? `, approvals in ${config.SLACK_APPROVAL_CHANNEL}` : ', no approval channel'}`
      : 'off (set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN, or SLACK_APP_TOKEN for Socket Mode)',
  };
  const http = httpApp({ log, service, conversation, tokens, clock, apiKey: config.API_KEY, outbox: ports.outbox, slack, sandbox, basePath: config.basePath, health: () => ({ ports: description }) });

  const tick = async () => {
    await dispatcher.sweep();
    await service.tendPending({ expire: true, remindAfterMs: config.APPROVAL_REMINDER_HOURS * 3_600_000 });
    await provisioner.reconcile();
  };
  const timers: NodeJS.Timeout[] = [];
  return {
    http,
    config,
    store,
    service,
    conversation,
    provisioner,
    dispatcher,
    tokens,
    outbox: ports.outbox,
    slack,
    describe: () => description,
    tick,
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
      every(config.RECONCILE_INTERVAL_SECONDS * 1000, 'reconciler', tick);
      // What this node left unfinished before a restart is taken back now, not after its lease.
      dispatcher.sweep().catch((err) => log.error({ err }, 'effect sweep at start failed'));
    },
    async close() {
      timers.forEach(clearInterval);
      await slack?.stop();
      await dispatcher.idle();
      await ports.close();
    },
  };
}
