import type express from 'express';
import type pino from 'pino';
import type { VendingCore } from '../core/vending-core';
import type { Door } from '../doors/door';
import { type SlackDoor, slackDoor } from '../doors/slack/slack-door';
import type { Config } from './config';
import { type BuildOptions, buildCore, slackSettings, startCore } from './core-composition';
import { lazyRoutesDoor } from './lazy-doors';
import { onFirstUse } from './on-first-use';

export type { BuildOptions } from './core-composition';

/**
 * The one composition root: builds the whole application from the configuration. The entry
 * points (server.ts, lambda.ts) only start what this returns.
 */
export interface VendingApp {
  /** The one HTTP app, loaded and built when first asked for (a Lambda function answering Slack only never loads Express). */
  httpApp(): Promise<express.Express>;
  /** Slack's endpoint as the Lambda function calls it, without the HTTP app (when Slack is on over HTTP). */
  answerSlack?: SlackDoor['answer'];
  config: Config;
  log: pino.Logger;
  /** The one face of the core: what every door and entry point uses. */
  core: VendingCore;
  /** REST, the web pages, the approval link, and Slack when it is configured. */
  doors: readonly Door[];
  /** Builds the doors loaded with their first request now (a Lambda request they may serve waits for it: doors/lambda/http-handler.ts). */
  loadRoutes(): Promise<void>;
  /** What each port and door runs on, for the start banner and /healthz. */
  describe(): Record<string, string>;
  /** Starts the doors that connect out (Socket Mode) and the timers of the periodic work (local server). */
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function createVendingApp(config: Config, opts: BuildOptions = {}): Promise<VendingApp> {
  const { core, ports, log } = await buildCore(config, opts);
  const page = { sandbox: core.factoryKind === 'sandbox', base: config.basePath };
  const settings = slackSettings(config);
  const slack = settings ? slackDoor(core, settings, log) : undefined;
  // Mounted in this order: Slack's one endpoint first, the catch-all pages last. The doors after
  // Slack's are loaded with the first request that reaches them (lazy-doors.ts).
  const lazyDoors = [
    lazyRoutesDoor('rest', async () => (await import('../doors/rest/routes')).restDoor(core, { apiKey: config.API_KEY })),
    lazyRoutesDoor('email-link', async () => (await import('../doors/email-link/routes')).emailLinkDoor(core, page)),
    lazyRoutesDoor('web', async () => (await import('../doors/web/routes')).webDoor(core, page)),
  ];
  const doors: Door[] = [...(slack ? [slack] : []), ...lazyDoors];
  startCore(core, ports, log, doors);

  const description = {
    ...ports.description,
    slack: slack ? slack.describe() : 'off (set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN, or SLACK_APP_TOKEN for Socket Mode)',
  };
  const http = onFirstUse(async () => (await import('../doors/http/app')).httpApp({ log, doors, health: () => ({ ports: description }) }));

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
    httpApp: http,
    ...(slack?.answer ? { answerSlack: slack.answer } : {}),
    config,
    log,
    core,
    doors,
    loadRoutes: async () => void (await Promise.all([...lazyDoors, ...(slack?.routes ? [slack.routes] : [])].map((d) => d.load()))),
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
