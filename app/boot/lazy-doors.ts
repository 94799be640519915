import type { Door } from '../doors/door';
import { deferredRoutes } from '../doors/http/deferred-routes';
import { onFirstUse } from './on-first-use';

/**
 * A door of routes only (REST, the web pages, the approval links), loaded and built when the first
 * request reaches it, so that a cold start serving Slack (whose route comes first) neither loads
 * nor builds the browsers' and the API's code. Mounted where the door itself would be, so the
 * order of the routes is unchanged. A failed load is handed to the error handler and tried again
 * with the next request.
 */
export interface LazyDoor extends Door {
  /** Loads and builds the door now (see doors/lambda/http-handler.ts: serverless-express needs it before the request). */
  load(): Promise<void>;
}

export function lazyRoutesDoor(name: string, load: () => Promise<Door>): LazyDoor {
  let words: string | undefined;
  const door = onFirstUse(async () => {
    const d = await load();
    words = d.describe();
    return d;
  });
  const routes = deferredRoutes(async () => (await door()).routes);
  return {
    name,
    routes,
    load: routes.load,
    describe: () => words ?? `${name} (built with its first request)`,
    start: async () => (await door.ifBuilt())?.start(),
    stop: async () => (await door.ifBuilt())?.stop(),
  };
}
