import type { App } from '@slack/bolt';
import type { Logger } from '../../core/ports/logger';
import type { OrganizationalUnit } from '../../core/request/account-request';
import type { VendingCore } from '../../core/vending-core';
import type { SlackDirectory } from './directory';
import type { SlackReplyPayload, SlackTurnPayload } from './slack-effects';

/** What every group of Slack listeners needs: the core's face and Slack's directory. */
export interface SlackListenerDeps {
  app: App;
  core: VendingCore;
  directory: SlackDirectory;
  organizationalUnits: readonly OrganizationalUnit[];
  sandbox: boolean;
  log: Logger;
  /** Re-renders someone's Home tab (after they decide from it). */
  publishHome(userId: string): Promise<void>;
  /** Posts a reply durably: stored first, retried until Slack takes it (`scope` names it once, e.g. by event id). */
  reply(scope: string, payload: SlackReplyPayload): Promise<void>;
  /** Stores a conversation turn to be taken after Slack is answered (see SlackTurn). */
  turnLater(scope: string, payload: SlackTurnPayload): Promise<void>;
}
