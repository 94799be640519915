import type { Clock } from '../core/ports/clock';
import type { EffectStore } from '../core/ports/effects';
import type { IdempotencyStore } from '../core/ports/idempotency';
import type { Logger } from '../core/ports/logger';
import type { RequestStore } from '../core/ports/requests';
import type { SessionStore } from '../core/ports/sessions';
import type { SlotStore } from '../core/ports/slots';
import type { DynamoDbStores } from './dynamodb-stores';
import { onFirstUse } from './on-first-use';

// Every method of each port (a Record, so that a method added to a port and not here fails to compile).
const REQUESTS: Record<keyof RequestStore, true> = {
  create: true,
  get: true,
  transition: true,
  listByStatus: true,
  listByRequester: true,
  listByAccount: true,
  findByAccountName: true,
  annotate: true,
};
const EFFECTS: Record<keyof EffectStore, true> = { enqueue: true, pending: true, due: true, claim: true, settle: true };
const SLOTS: Record<keyof SlotStore, true> = { claim: true, release: true, holders: true };
const SESSIONS: Record<keyof SessionStore, true> = { load: true, save: true, delete: true };
const IDEMPOTENCY: Record<keyof IdempotencyStore, true> = { claimOnce: true };

/**
 * The DynamoDB store ports, with the adapters and the AWS SDK's DynamoDB client loaded and built on
 * the first call of any of them (a chunk of its own in the Lambda bundle): a cold start whose first
 * request never reads the table (a slash command's help) neither loads nor builds them. A failed
 * load is tried again on the next call.
 */
export function lazyDynamoDbStores(table: string, clock: Clock, log: Logger): DynamoDbStores {
  const stores = onFirstUse(async () => {
    const { documentClient, dynamoDbStores } = await import('./dynamodb-stores');
    // DynamoDB and moto have transactions ('auto' finds out).
    return dynamoDbStores(documentClient(), table, 'auto', clock, log);
  });
  const port = <K extends keyof Omit<DynamoDbStores, 'close'>>(key: K, methods: Record<string, true>): DynamoDbStores[K] =>
    Object.fromEntries(
      Object.keys(methods).map((m) => [
        m,
        async (...args: unknown[]) => {
          const target = (await stores())[key] as unknown as Record<string, (...a: unknown[]) => unknown>;
          return target[m](...args);
        },
      ]),
    ) as unknown as DynamoDbStores[K];
  return {
    requests: port('requests', REQUESTS),
    effects: port('effects', EFFECTS),
    slots: port('slots', SLOTS),
    sessions: port('sessions', SESSIONS),
    idempotency: port('idempotency', IDEMPOTENCY),
    // Nothing to close until the client is built.
    close: async () => {
      await (await stores.ifBuilt()?.catch(() => undefined))?.close();
    },
  };
}
