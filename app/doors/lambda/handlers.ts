import type { Context, DynamoDBStreamEvent, EventBridgeEvent, ScheduledEvent } from 'aws-lambda';
import type express from 'express';
import type { Actor } from '../../core/request/account-request';
import type { VendingCore } from '../../core/vending-core';

/** What a Lambda function builds once per container: the core and the HTTP app in front of it. */
export interface LambdaApp {
  core: VendingCore;
  http: express.Express;
  /** Builds the routes that are built with their first request (all but Slack's). */
  loadRoutes?(): Promise<void>;
}

/** Whether an API Gateway event is a POST to Slack's endpoint (answered by the Slack door, mounted first), as serverless-express reads its path. */
function isSlackEvents(event: unknown): boolean {
  const e = event as {
    httpMethod?: string;
    path?: string;
    rawPath?: string;
    pathParameters?: { proxy?: string } | null;
    requestContext?: { http?: { method?: string } };
  };
  const method = e.httpMethod ?? e.requestContext?.http?.method;
  const path = e.pathParameters?.proxy ? `/${e.pathParameters.proxy}` : (e.rawPath ?? e.path);
  return method === 'POST' && /^\/slack\/events\/?$/i.test(path ?? '');
}

const CONTROL_TOWER: Actor = { id: 'control-tower', name: 'AWS Control Tower', door: 'system' };

/** What a function that serves no HTTP builds once per container: the core. */
export interface LambdaCore {
  core: VendingCore;
}

/**
 * The Lambda door: one handler per function, each using the core's face only.
 * - `http`: API Gateway (REST v1 and HTTP API v2) through @vendia/serverless-express over the one
 *   Express app, Slack's /slack/events included;
 * - `controlTowerEvent`: Control Tower lifecycle events (EventBridge) complete requests;
 * - `reconcile`: the schedule runs effect retries, expiry, reminders, the reconciler and the queue;
 * - `stream`: the table's stream carries side effects after each committed transition.
 * The last three need the core only (workHandlers), so their functions build no HTTP app.
 */
export function lambdaHandlers(app: () => Promise<LambdaApp>) {
  return { http: httpHandler(app), ...workHandlers(app) };
}

export function httpHandler(app: () => Promise<LambdaApp>) {
  type HttpHandler = (event: unknown, context: Context) => Promise<unknown>;
  let httpHandler: HttpHandler | undefined;
  return async (event: unknown, context: Context): Promise<unknown> => {
    const built = await app();
    // serverless-express marks the request's body as read once the app's synchronous part returns,
    // so a door built on first use must be built before a request that may reach it: any but Slack's.
    if (!isSlackEvents(event)) await built.loadRoutes?.();
    // Loaded by the one function that serves HTTP: the others never load the adapter.
    httpHandler ??= (await import('@vendia/serverless-express')).default({ app: built.http }) as unknown as HttpHandler;
    return httpHandler(event, context);
  };
}

export function workHandlers(app: () => Promise<LambdaCore>) {
  return {
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
