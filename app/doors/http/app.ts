import express from 'express';
import helmet from 'helmet';
import type { Outbox } from '../../adapters/embedded/outbox';
import { jsonErrors } from './errors';
import { restRoutes } from '../rest/routes';
import type { SlackDoor } from '../slack/slack-door';
import { approvalRoutes } from '../email-link/routes';
import { webRoutes } from '../web/routes';
import type { ApprovalTokens } from '../../core/request/approval-link';
import type { Conversation } from '../../core/use-cases/conversation';
import type { Clock } from '../../core/ports/ports';
import type { VendingService } from '../../core/use-cases/vending-service';
import { accessLog } from './access-log';
import type { createLogger } from '../../boot/logger';

/** The one Express app every HTTP door is mounted on (locally and behind API Gateway alike). */
export function httpApp(deps: {
  log: ReturnType<typeof createLogger>;
  service: VendingService;
  conversation: Conversation;
  tokens: ApprovalTokens;
  clock: Clock;
  apiKey?: string;
  outbox?: Outbox;
  slack?: SlackDoor;
  sandbox: boolean;
  /** Path prefix the app is served under (PUBLIC_URL's path). */
  basePath: string;
  health: () => object;
}): express.Express {
  const http = express();
  http.disable('x-powered-by');
  http.set('trust proxy', 'loopback');
  http.use(accessLog(http, deps.log));
  http.use(helmet({ contentSecurityPolicy: { directives: { 'form-action': ["'self'"], 'upgrade-insecure-requests': null } } }));
  http.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', ...deps.health() });
  });
  if (deps.slack?.router) http.use(deps.slack.router);
  http.use(restRoutes({ conversation: deps.conversation, service: deps.service, apiKey: deps.apiKey }));
  const page = { sandbox: deps.sandbox, base: deps.basePath };
  http.use(approvalRoutes({ service: deps.service, tokens: deps.tokens, clock: deps.clock, page }));
  http.use(webRoutes({ outbox: deps.outbox, page }));
  http.use((_req, res) => {
    res.status(404).json({ error: 'No such route' });
  });
  http.use(jsonErrors);
  return http;
}
