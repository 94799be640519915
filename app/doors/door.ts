import type { RequestHandler } from 'express';
import type { EffectHandler } from '../core/effects/dispatcher';

/**
 * A door into the one core: REST, the web pages, the approval link, Slack (over HTTP or Socket
 * Mode). Each has the same shape, as Bolt's receivers do: what it mounts on the one HTTP app,
 * what it carries out after transitions, and how it starts and stops. Doors talk to the core
 * through VendingCore only; none sees a store or an adapter.
 */
export interface Door {
  readonly name: string;
  /** Routes on the one HTTP app (locally and behind API Gateway alike; a Router, usually); absent for doors that are not HTTP. */
  readonly routes?: RequestHandler;
  /** Effects the door carries out (its own messages), registered with the core before the first request. */
  readonly handlers?: EffectHandler[];
  /** What it runs on, in words (the start banner, /healthz). */
  describe(): string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** For doors that need no starting or stopping (their routes are all they are). */
export const routesOnly = (name: string, routes: RequestHandler, words: string): Door => ({
  name,
  routes,
  describe: () => words,
  start: async () => undefined,
  stop: async () => undefined,
});
