import type { Context } from 'aws-lambda';
import type express from 'express';
import type pino from 'pino';
import type { VendingCore } from '../../core/vending-core';
import type { SlackHttpAnswer, SlackHttpRequest } from '../slack/receiver';
import { answerSlackEvent, isSlackEvents } from './slack-events';

/** What a Lambda function builds once per container: the core and the HTTP app in front of it. */
export interface LambdaApp {
  core: VendingCore;
  log: pino.Logger;
  /** Loaded and built when first asked for: a function answering Slack only never loads it. */
  httpApp(): Promise<express.Express>;
  /** Slack's endpoint, when Slack is configured over HTTP. */
  answerSlack?: (req: SlackHttpRequest) => Promise<SlackHttpAnswer>;
  /** Builds the routes that are built with their first request (all but Slack's). */
  loadRoutes?(): Promise<void>;
}

/**
 * The HTTP function's handler, for API Gateway (REST v1 and HTTP API v2): Slack's POST
 * /slack/events straight to the Slack door's receiver (slack-events.ts), anything else through
 * @vendia/serverless-express over the one Express app.
 */
export function httpHandler(app: () => Promise<LambdaApp>) {
  type HttpHandler = (event: unknown, context: Context) => Promise<unknown>;
  let httpHandler: HttpHandler | undefined;
  return async (event: unknown, context: Context): Promise<unknown> => {
    const built = await app();
    if (built.answerSlack && isSlackEvents(event)) return answerSlackEvent(built.answerSlack, event, built.log);
    // serverless-express marks the request's body as read once the app's synchronous part returns,
    // so a door built on first use must be built before a request that may reach it.
    await built.loadRoutes?.();
    // Loaded by the one function that serves HTTP: the others never load the adapter.
    httpHandler ??= (await import('@vendia/serverless-express')).default({ app: await built.httpApp() }) as unknown as HttpHandler;
    return httpHandler(event, context);
  };
}
