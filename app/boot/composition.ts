import { resolve } from 'node:path';
import type express from 'express';
import { loadOrCreateApprovalSecret, loadOrCreateNodeId } from '../adapters/embedded/data-dir-values';
import { QuietWebClient } from '../adapters/slack/quiet-web-client';
import { SlackUsergroups } from '../adapters/slack/usergroups';
import type { RetryPolicy } from '../core/effects/dispatcher';
import { ConfigError } from '../core/errors';
import { type Clock, systemClock } from '../core/ports/clock';
import { VendingCore } from '../core/vending-core';
import type { Door } from '../doors/door';
import { emailLinkDoor } from '../doors/email-link/routes';
import { httpApp } from '../doors/http/app';
import { restDoor } from '../doors/rest/routes';
import { type SlackConnection, slackDoor } from '../doors/slack/slack-door';
import { webDoor } from '../doors/web/routes';
import type { Config, SlackMode } from './config';
import { createLogger } from './logger';
import { loadManifests } from './manifests';
import { type PortOverrides, portsFromConfig } from './ports-from-config';

/**
 * The one composition root: builds the whole application from the configuration. The entry
 * points (server.ts, lambda.ts) only start what this returns.
 */
export interface VendingApp {
  http: express.Express;
  config: Config;
  /** The one face of the core: what every door and entry point uses. */
  core: VendingCore;
  /** REST, the web pages, the approval link, and Slack when it is configured. */
  doors: readonly Door[];
  /** What each port and door runs on, for the start banner and /healthz. */
  describe(): Record<string, string>;
  /** Starts the doors that connect out (Socket Mode) and the timers of the periodic work (local server). */
  start(): Promise<void>;
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
  // The bot model, the approval policy and the account baseline: pre-parsed JSON in a Lambda bundle, the YAML files elsewhere.
  const { model, policy, baseline } = await loadManifests(config);
  const ports = await portsFromConfig(config, { clock, log, model, overrides: opts });
  const dataDir = resolve(config.DATA_DIR);
  // Slack user groups the approval policy names are looked up in Slack (only when a group names one).
  const teams =
    config.slackMode === 'off' || !config.SLACK_BOT_TOKEN
      ? undefined
      : new SlackUsergroups(
          () =>
            new QuietWebClient(config.SLACK_BOT_TOKEN, {
              ...(config.SLACK_API_URL ? { slackApiUrl: config.SLACK_API_URL } : {}),
              timeout: 5_000,
            }),
        );
  const core = new VendingCore(
    { ...ports, teams },
    {
      model,
      policy,
      baseline,
      organizationalUnits: config.organizationalUnits,
      pendingExpiryHours: config.PENDING_EXPIRY_HOURS,
      reminderHours: config.APPROVAL_REMINDER_HOURS,
      maxConcurrentProvisioning: config.MAX_CONCURRENT_PROVISIONING,
      sandboxLeaseDays: config.SANDBOX_LEASE_DAYS,
      // Read when each link is made: a test server learns its port after the app is built.
      get publicUrl() {
        return config.publicUrl;
      },
      approvalSecret: config.APPROVAL_SECRET ?? loadOrCreateApprovalSecret(dataDir),
      retry: opts.retry,
      inlineEffects: opts.inlineEffects ?? true,
      nodeId: opts.nodeId ?? loadOrCreateNodeId(dataDir),
    },
  );

  const page = { sandbox: core.factoryKind === 'sandbox', base: config.basePath };
  const slack =
    config.slackMode === 'off'
      ? undefined
      : slackDoor(
          core,
          {
            ...slackConnection(config, config.slackMode),
            apiUrl: config.SLACK_API_URL,
            approvalChannel: config.SLACK_APPROVAL_CHANNEL,
            approvers: config.APPROVERS,
            organizationalUnits: config.organizationalUnits,
          },
          log,
        );
  // Mounted in this order: Slack's one endpoint first, the catch-all pages last.
  const doors: Door[] = [
    ...(slack ? [slack] : []),
    restDoor(core, { apiKey: config.API_KEY }),
    emailLinkDoor(core, page),
    webDoor(core, page),
  ];
  core.start(doors.flatMap((d) => d.handlers ?? []));
  ports.sandboxFactory?.onOutcome((outcome) => {
    core.completeProvisioning(outcome).catch((err) => log.error({ err, outcome }, 'could not record a provisioning outcome'));
  });

  const description = {
    ...ports.description,
    slack: slack ? slack.describe() : 'off (set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN, or SLACK_APP_TOKEN for Socket Mode)',
  };
  const http = httpApp({ log, doors, health: () => ({ ports: description }) });

  const timers: NodeJS.Timeout[] = [];
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
  return {
    http,
    config,
    core,
    doors,
    describe: () => description,
    async start() {
      for (const door of doors) await door.start();
      every(5_000, 'effect sweep', () => core.carryOutEffects());
      every(config.RECONCILE_INTERVAL_SECONDS * 1000, 'tending', () => core.tend());
      // What this node left unfinished before a restart is taken back now, not after its lease.
      core.carryOutEffects().catch((err) => log.error({ err }, 'effect sweep at start failed'));
    },
    async close() {
      timers.forEach(clearInterval);
      for (const door of doors) await door.stop();
      await core.settled();
      await ports.close();
    },
  };
}

/** The credentials of the Slack mode the configuration chose (see loadConfig's slackMode). */
function slackConnection(config: Config, mode: Exclude<SlackMode, 'off'>): SlackConnection {
  const { SLACK_BOT_TOKEN: botToken, SLACK_APP_TOKEN: appToken, SLACK_SIGNING_SECRET: signingSecret } = config;
  if (mode === 'socket' && botToken && appToken) return { mode, botToken, appToken };
  if (mode === 'http' && botToken && signingSecret) return { mode, botToken, signingSecret };
  throw new ConfigError(`Slack ${mode} mode needs SLACK_BOT_TOKEN and ${mode === 'socket' ? 'SLACK_APP_TOKEN' : 'SLACK_SIGNING_SECRET'}`);
}
