// The HTTP function (app/lambda/http.ts): the whole app, built by the same composition root as `npm start`.
import { createVendingApp, type VendingApp } from './boot/composition';
import { httpHandler } from './doors/lambda/http-handler';
import { lambdaConfig, once } from './lambda-config';

// Effects ride the table's stream on Lambda: nothing may keep running after a response.
const built = once(async (env) => createVendingApp(await lambdaConfig(env), { inlineEffects: false }));

/** One app per container. */
export function vendingApp(env: Record<string, string | undefined> = process.env): Promise<VendingApp> {
  return built(env);
}

export const http = httpHandler(() => vendingApp());
