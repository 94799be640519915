// The HTTP function (app/lambda/http.ts): the whole app, built by the same composition root as `npm start`.
import { createVendingApp, type VendingApp } from './boot/composition';
import { onFirstUse } from './boot/on-first-use';
import { httpHandler } from './doors/lambda/http-handler';
import { lambdaConfig } from './lambda-config';

// Effects ride the table's stream on Lambda: nothing may keep running after a response.
// Built once per container; a failed start is tried again with the next invocation (and its settings).
const built = onFirstUse(async (env: Record<string, string | undefined>) =>
  createVendingApp(await lambdaConfig(env), { inlineEffects: false }),
);

/** One app per container. */
export function vendingApp(env: Record<string, string | undefined> = process.env): Promise<VendingApp> {
  return built(env);
}

export const http = httpHandler(() => vendingApp());
