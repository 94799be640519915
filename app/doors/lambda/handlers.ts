import serverlessExpress from '@vendia/serverless-express';
import type { Context, DynamoDBStreamEvent, EventBridgeEvent, ScheduledEvent } from 'aws-lambda';
import { parseLifecycleEvent } from '../../adapters/control-tower/lifecycle-events';
import { createVendingApp, type VendingApp } from '../../boot/composition';
import { loadConfig } from '../../boot/config';
import { loadSecrets } from '../../boot/secrets';

/**
 * The AWS Lambda entry points, all built by the same composition root as `npm start`:
 * - `http`: API Gateway (REST v1 and HTTP API v2) through @vendia/serverless-express over the one
 *   Express app, Slack's /slack/events included;
 * - `controlTowerEvent`: Control Tower lifecycle events (EventBridge) complete requests;
 * - `reconcile`: the schedule runs effect retries, expiry, reminders, the reconciler and the queue;
 * - `stream`: the table's stream carries side effects after each committed transition.
 * Secrets come from the environment, Secrets Manager or SSM, fetched once per container.
 */

let built: Promise<VendingApp> | undefined;

/** One app per container; a failed start is retried on the next invocation. */
export function vendingApp(env: Record<string, string | undefined> = process.env): Promise<VendingApp> {
  built ??= (async () => {
    const config = loadConfig({ ...env, ...(await loadSecrets(env)) });
    if (!config.TABLE_NAME) throw new Error('TABLE_NAME must name the DynamoDB table on Lambda (there is no embedded store there)');
    if (!config.PUBLIC_URL) throw new Error('PUBLIC_URL must be the API URL on Lambda (approval links point at it)');
    // Effects ride the table's stream on Lambda: nothing may keep running after a response.
    return createVendingApp(config, { inlineEffects: false });
  })().catch((err) => {
    built = undefined;
    throw err;
  });
  return built;
}

type HttpHandler = (event: unknown, context: Context) => Promise<unknown>;
let httpHandler: HttpHandler | undefined;

export async function http(event: unknown, context: Context): Promise<unknown> {
  const app = await vendingApp();
  httpHandler ??= serverlessExpress({ app: app.http }) as unknown as HttpHandler;
  return httpHandler(event, context);
}

export async function controlTowerEvent(
  event: EventBridgeEvent<string, unknown>,
): Promise<{ matched: boolean; requestId?: string; status?: string }> {
  const outcome = parseLifecycleEvent(event);
  if (!outcome) return { matched: false };
  const request = await (await vendingApp()).core.completeProvisioning(outcome, {
    id: 'control-tower',
    name: 'AWS Control Tower',
    door: 'system',
  });
  return request ? { matched: true, requestId: request.id, status: request.status } : { matched: false };
}

export async function reconcile(_event?: ScheduledEvent): Promise<void> {
  await (await vendingApp()).core.tend();
}

/** Carries out the effects of every scope written in this batch, one scope at a time. */
export async function stream(event: DynamoDBStreamEvent): Promise<{ batchItemFailures: Array<{ itemIdentifier: string }> }> {
  // Failed records are reported so the stream retries from them (ReportBatchItemFailures); the sweep is the safety net.
  const failed = await (await vendingApp()).core.carryOutEffectsOf(event);
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
}
