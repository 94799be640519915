import { resolve } from 'node:path';
import { loadOrCreateApprovalSecret, loadOrCreateNodeId } from '../adapters/embedded/data-dir-values';
import { QuietWebClient } from '../adapters/slack/quiet-web-client';
import { SlackUsergroups } from '../adapters/slack/usergroups';
import type { RetryPolicy } from '../core/effects/dispatcher';
import { ConfigError } from '../core/errors';
import { type Clock, systemClock } from '../core/ports/clock';
import type { Logger } from '../core/ports/logger';
import { VendingCore } from '../core/vending-core';
import type { Door } from '../doors/door';
import type { SlackConnection, SlackSettings } from '../doors/slack/slack-door';
import type { Config, SlackMode } from './config';
import { createLogger } from './logger';
import { loadManifests } from './manifests';
import { type PortOverrides, type Ports, portsFromConfig } from './ports-from-config';

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

/**
 * The core on its ports, as the configuration chooses them: what every entry point builds, whether
 * it serves HTTP (composition.ts) or only carries out work (worker-composition.ts).
 */
export async function buildCore(
  config: Config,
  opts: BuildOptions = {},
): Promise<{ core: VendingCore; ports: Ports; log: ReturnType<typeof createLogger> }> {
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
  return { core, ports, log };
}

/** Starts the core with the effects the doors carry out, and hands it the sandbox factory's outcomes. */
export function startCore(core: VendingCore, ports: Ports, log: Logger, doors: readonly Door[]): void {
  core.start(doors.flatMap((d) => d.handlers ?? []));
  ports.sandboxFactory?.onOutcome((outcome) => {
    core.completeProvisioning(outcome).catch((err) => log.error({ err, outcome }, 'could not record a provisioning outcome'));
  });
}

/** The Slack door's settings, or undefined when Slack is off. */
export function slackSettings(config: Config): SlackSettings | undefined {
  if (config.slackMode === 'off') return undefined;
  return {
    ...slackConnection(config, config.slackMode),
    apiUrl: config.SLACK_API_URL,
    approvalChannel: config.SLACK_APPROVAL_CHANNEL,
    approvers: config.APPROVERS,
    organizationalUnits: config.organizationalUnits,
  };
}

/** The credentials of the Slack mode the configuration chose (see loadConfig's slackMode). */
function slackConnection(config: Config, mode: Exclude<SlackMode, 'off'>): SlackConnection {
  const { SLACK_BOT_TOKEN: botToken, SLACK_APP_TOKEN: appToken, SLACK_SIGNING_SECRET: signingSecret } = config;
  if (mode === 'socket' && botToken && appToken) return { mode, botToken, appToken };
  if (mode === 'http' && botToken && signingSecret) return { mode, botToken, signingSecret };
  throw new ConfigError(`Slack ${mode} mode needs SLACK_BOT_TOKEN and ${mode === 'socket' ? 'SLACK_APP_TOKEN' : 'SLACK_SIGNING_SECRET'}`);
}
