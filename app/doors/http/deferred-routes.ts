import type { RequestHandler } from 'express';

/** Routes whose code is loaded with the first request that reaches them (see deferredRoutes). */
export type DeferredRoutes = RequestHandler & {
  /** Loads and builds them now (doors/lambda/http-handler.ts: serverless-express needs them before the request). */
  load(): Promise<void>;
};

/**
 * Routes loaded and built when the first request reaches them, mounted where they would be, so the
 * order of the routes is unchanged and a process that never routes there never loads their code
 * (Express itself, on a Lambda function answering Slack only). A failed load is handed to the
 * error handler and tried again with the next request; no routes (undefined) pass the request on.
 */
export function deferredRoutes(build: () => Promise<RequestHandler | undefined>): DeferredRoutes {
  let building: Promise<RequestHandler | undefined> | undefined;
  // Once built, requests go straight through, with no promise in between (see http-handler.ts for why that matters).
  let built: { routes?: RequestHandler } | undefined;
  const routes = () =>
    (building ??= build().then(
      (r) => {
        built = { routes: r };
        return r;
      },
      (err) => {
        building = undefined;
        throw err;
      },
    ));
  const handler: RequestHandler = (req, res, next) => {
    if (built) return built.routes ? built.routes(req, res, next) : next();
    routes().then((r) => (r ? r(req, res, next) : next()), next);
  };
  return Object.assign(handler, { load: async () => void (await routes()) });
}
