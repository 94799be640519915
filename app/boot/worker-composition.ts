import type { VendingCore } from '../core/vending-core';
import { slackEffectsDoor } from '../doors/slack/slack-effects-door';
import type { Config } from './config';
import { type BuildOptions, buildCore, slackSettings, startCore } from './core-composition';

/** The core with the effects the doors carry out, and no HTTP app: what a function that serves no HTTP runs. */
export interface VendingWorker {
  config: Config;
  core: VendingCore;
  close(): Promise<void>;
}

/**
 * The composition root of the functions that serve no HTTP (the table's stream, the schedule,
 * Control Tower events): the same core as createVendingApp's, with the Slack door's effects (its
 * messages, replies and turns) but neither the HTTP app nor the doors' routes, Bolt or Express.
 */
export async function createVendingWorker(config: Config, opts: BuildOptions = {}): Promise<VendingWorker> {
  const { core, ports, log } = await buildCore(config, opts);
  const settings = slackSettings(config);
  startCore(core, ports, log, settings ? [slackEffectsDoor(core, settings, log)] : []);
  return {
    config,
    core,
    async close() {
      await core.settled();
      await ports.close();
    },
  };
}
