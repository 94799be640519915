import express from 'express';
import helmet from 'helmet';
import type pino from 'pino';
import type { Door } from '../door';
import { accessLog } from './access-log';
import { jsonErrors } from './errors';

/**
 * The one Express app every HTTP door is mounted on (locally and behind API Gateway alike):
 * the access log and security headers, /healthz, each door's routes in order, then a JSON 404.
 */
export function httpApp(deps: { log: pino.Logger; doors: readonly Door[]; health: () => object }): express.Express {
  const http = express();
  http.disable('x-powered-by');
  http.set('trust proxy', 'loopback');
  http.use(accessLog(http, deps.log));
  http.use(helmet({ contentSecurityPolicy: { directives: { 'form-action': ["'self'"], 'upgrade-insecure-requests': null } } }));
  http.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', ...deps.health() });
  });
  for (const door of deps.doors) if (door.routes) http.use(door.routes);
  http.use((_req, res) => {
    res.status(404).json({ error: 'No such route' });
  });
  http.use(jsonErrors);
  return http;
}
