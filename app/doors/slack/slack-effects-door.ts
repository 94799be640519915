import type { WebClient } from '@slack/web-api';
import type { EffectHandler } from '../../core/effects/dispatcher';
import type { Logger } from '../../core/ports/logger';
import type { VendingCore } from '../../core/vending-core';
import type { Door } from '../door';
import { SlackDirectory } from './directory';
import { slackClients } from './slack-clients';
import type { SlackSettings } from './slack-door';
import { SlackApprovalMessage, SlackReply, type SlackReplyPayload, SlackRequesterDm, SlackTurn } from './slack-effects';

/** Defers a reply (an effect carried out after the transition commits). */
export const slackReply = (core: VendingCore) => (scope: string, payload: SlackReplyPayload) =>
  core.defer(scope, SlackReply.NAME, { ...payload });

/** What the Slack door carries out after transitions: the approvers' message, the requesters' DMs, replies and turns. */
export function slackEffectHandlers(
  core: VendingCore,
  deps: { effectsClient: WebClient; directory: SlackDirectory; approvalChannel?: string },
): EffectHandler[] {
  const { effectsClient, directory, approvalChannel } = deps;
  return [
    ...(approvalChannel
      ? [
          new SlackApprovalMessage(
            effectsClient,
            approvalChannel,
            (r) => core.approvalProgress(r),
            (id, key, value) => core.annotate(id, key, value),
          ),
        ]
      : []),
    new SlackRequesterDm(effectsClient),
    new SlackReply(effectsClient),
    new SlackTurn({ directory, core, reply: slackReply(core) }),
  ];
}

/**
 * The Slack door as the functions that serve no HTTP (the table's stream, the schedule, Control
 * Tower events) have it: its effects only, without Bolt, its listeners or its route.
 */
export function slackEffectsDoor(core: VendingCore, settings: SlackSettings, log: Logger): Door {
  const { client, effectsClient } = slackClients(settings.botToken, settings.apiUrl, log);
  return {
    name: 'slack',
    handlers: slackEffectHandlers(core, {
      effectsClient,
      directory: new SlackDirectory(client),
      approvalChannel: settings.approvalChannel,
    }),
    describe: () => `effects only${settings.approvalChannel ? `, approvals in ${settings.approvalChannel}` : ', no approval channel'}`,
    start: async () => undefined,
    stop: async () => undefined,
  };
}
