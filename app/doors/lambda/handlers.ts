import type { Context, DynamoDBStreamEvent, EventBridgeEvent, ScheduledEvent } from 'aws-lambda';
import type express from 'express';
import type { Actor } from '../../core/request/account-request';
import type { VendingCore } from '../../core/vending-core';

/** What a Lambda function builds once per container: the core and the HTTP app in front of it. */
export interface LambdaApp {
  core: VendingCore;
  http: express.Express;
}

const CONTROL_TOWER: Actor = { id: 'control-tower', name: 'AWS Control Tower', door: 'system' };

/**
 * The Lambda door: one handler per function, each using the core's face only.
 * - `http`: API Gateway (REST v1 and HTTP API v2) through @vendia/serverless-express over the one
 *   Express app, Slack's /slack/events included;
 * - `controlTowerEvent`: Control Tower lifecycle events (EventBridge) complete requests;
 * - `reconcile`: the schedule runs effect retries, expiry, reminders, the reconciler and the queue;
 * - `stream`: the table's stream carries side effects after each committed transition.
 */
export function lambdaHandlers(app: () => Promise<LambdaApp>) {
  type HttpHandler = (event: unknown, context: Context) => Promise<unknown>;
  let httpHandler: HttpHandler | undefined;
  return {
    async http(event: unknown, context: Context): Promise<unknown> {
      const built = await app();
      // Loaded by the one function that serves HTTP: the others never load the adapter.
      httpHandler ??= (await import('@vendia/serverless-express')).default({ app: built.http }) as unknown as HttpHandler;
      return httpHandler(event, context);
    },

    async controlTowerEvent(event: EventBridgeEvent<string, unknown>): Promise<{ matched: boolean; requestId?: string; status?: string }> {
      const { matched, request } = await (await app()).core.completeFromFactoryEvent(event, CONTROL_TOWER);
      return matched && request ? { matched, requestId: request.id, status: request.status } : { matched: false };
    },

    async reconcile(_event?: ScheduledEvent): Promise<void> {
      await (await app()).core.tend();
    },

    /** Carries out the effects of every scope written in this batch, one scope at a time. */
    async stream(event: DynamoDBStreamEvent): Promise<{ batchItemFailures: Array<{ itemIdentifier: string }> }> {
      // Failed records are reported so the stream retries from them (ReportBatchItemFailures); the sweep is the safety net.
      const failed = await (await app()).core.carryOutEffectsOf(event);
      return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
    },
  };
}
