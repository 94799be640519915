import { documentClient } from '../adapters/dynamodb/client';
import { DynamoDbEffectStore } from '../adapters/dynamodb/effects';
import { DynamoDbIdempotencyStore } from '../adapters/dynamodb/idempotency';
import { DynamoDbSessionStore } from '../adapters/dynamodb/sessions';
import { DynamoDbSlotStore } from '../adapters/dynamodb/slots';
import { DynamoDbRequestStore } from '../adapters/dynamodb/store';
import type { Clock } from '../core/ports/clock';
import type { EffectStore } from '../core/ports/effects';
import type { IdempotencyStore } from '../core/ports/idempotency';
import type { Logger } from '../core/ports/logger';
import type { RequestStore } from '../core/ports/requests';
import type { SessionStore } from '../core/ports/sessions';
import type { SlotStore } from '../core/ports/slots';

/** The store ports on one DynamoDB table (loaded on its own: the AWS SDK's DynamoDB client comes with it). */
export interface DynamoDbStores {
  requests: RequestStore;
  effects: EffectStore;
  slots: SlotStore;
  sessions: SessionStore;
  idempotency: IdempotencyStore;
  close(): Promise<void>;
}

export function dynamoDbStores(
  db: ReturnType<typeof documentClient>,
  table: string,
  transactions: boolean | 'auto',
  clock: Clock,
  log: Logger,
): DynamoDbStores {
  return {
    requests: new DynamoDbRequestStore(db, table, { transactions, onFallback: (reason) => log.warn({ table }, reason) }),
    effects: new DynamoDbEffectStore(db, table),
    slots: new DynamoDbSlotStore(db, table),
    sessions: new DynamoDbSessionStore(db, table),
    idempotency: new DynamoDbIdempotencyStore(db, table, clock),
    close: async () => db.destroy(),
  };
}

export { documentClient };
