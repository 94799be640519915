// The functions that serve no HTTP (app/lambda/stream.ts, reconcile.ts, control-tower-event.ts): the core only.
import { createVendingWorker, type VendingWorker } from './boot/worker-composition';
import { workHandlers } from './doors/lambda/handlers';
import { lambdaConfig, once } from './lambda-config';

// Effects ride the table's stream on Lambda: nothing may keep running after an invocation.
const built = once(async (env) => createVendingWorker(await lambdaConfig(env), { inlineEffects: false }));

/** One core per container. */
export function vendingWorker(env: Record<string, string | undefined> = process.env): Promise<VendingWorker> {
  return built(env);
}

export const { controlTowerEvent, reconcile, stream } = workHandlers(() => vendingWorker());
