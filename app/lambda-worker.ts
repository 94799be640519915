// The functions that serve no HTTP (app/lambda/stream.ts, reconcile.ts, control-tower-event.ts): the core only.

import { onFirstUse } from './boot/on-first-use';
import { createVendingWorker, type VendingWorker } from './boot/worker-composition';
import { workHandlers } from './doors/lambda/handlers';
import { lambdaConfig } from './lambda-config';

// Effects ride the table's stream on Lambda: nothing may keep running after an invocation.
// Built once per container; a failed start is tried again with the next invocation (and its settings).
const built = onFirstUse(async (env: Record<string, string | undefined>) =>
  createVendingWorker(await lambdaConfig(env), { inlineEffects: false }),
);

/** One core per container. */
export function vendingWorker(env: Record<string, string | undefined> = process.env): Promise<VendingWorker> {
  return built(env);
}

export const { controlTowerEvent, reconcile, stream } = workHandlers(() => vendingWorker());
