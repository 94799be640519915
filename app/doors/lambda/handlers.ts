import type { DynamoDBStreamEvent, EventBridgeEvent, ScheduledEvent } from 'aws-lambda';
import type { Actor } from '../../core/request/account-request';
import type { VendingCore } from '../../core/vending-core';

const CONTROL_TOWER: Actor = { id: 'control-tower', name: 'AWS Control Tower', door: 'system' };

/** What a function that serves no HTTP builds once per container: the core. */
export interface LambdaCore {
  core: VendingCore;
}

/**
 * The Lambda door: one handler per function, each using the core's face only (the HTTP function's
 * is http-handler.ts).
 * - `controlTowerEvent`: Control Tower lifecycle events (EventBridge) complete requests;
 * - `reconcile`: the schedule runs effect retries, expiry, reminders, the reconciler and the queue;
 * - `stream`: the table's stream carries side effects after each committed transition.
 * They need the core only, so their functions build no HTTP app.
 */
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
