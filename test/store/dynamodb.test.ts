import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../app/adapters/dynamodb/client';
import { DynamoDbEffectStore } from '../../app/adapters/dynamodb/effects';
import { DynamoDbIdempotencyStore } from '../../app/adapters/dynamodb/idempotency';
import { DynamoDbSessionStore } from '../../app/adapters/dynamodb/sessions';
import { DynamoDbSlotStore } from '../../app/adapters/dynamodb/slots';
import { DynamoDbRequestStore, type DynamoDbStoreOptions } from '../../app/adapters/dynamodb/store';
import { createTableInput } from '../../app/adapters/dynamodb/table-schema';
import { startEmbeddedDynamoDb } from '../../app/adapters/embedded/dynalite';
import { SessionConflictError } from '../../app/core/errors';
import { facetSessionId } from '../../app/core/ports/sessions';
import { type Moto, motoAvailable, startMoto } from '../support/moto';
import { aRequest, storeContract } from './contract';

/**
 * The DynamoDB adapter under the store contract, on two servers nobody here wrote: dynalite
 * (no transactions: the fenced protocol, as in the embedded default) and moto (transactions, as
 * on AWS).
 */
const clock = { now: () => new Date('2026-03-02T09:00:00.000Z') };

function storesOn(config: ConstructorParameters<typeof DynamoDBClient>[0], table: string, opts: DynamoDbStoreOptions) {
  const db = documentClient(config);
  return {
    requests: new DynamoDbRequestStore(db, table, opts),
    effects: new DynamoDbEffectStore(db, table),
    slots: new DynamoDbSlotStore(db, table),
    sessions: new DynamoDbSessionStore(db, table),
    idempotency: new DynamoDbIdempotencyStore(db, table, clock),
    db,
  };
}

storeContract('DynamoDB adapter on dynalite (fenced single-item writes)', async () => {
  const server = await startEmbeddedDynamoDb();
  const stores = storesOn(server.clientConfig, server.tableName, { transactions: false });
  return {
    ...stores,
    close: async () => {
      stores.db.destroy();
      await server.close();
    },
  };
});

storeContract('DynamoDB adapter on dynalite, transactions "auto" (falls back when the endpoint has none)', async () => {
  const server = await startEmbeddedDynamoDb();
  const stores = storesOn(server.clientConfig, server.tableName, { transactions: 'auto' });
  return {
    ...stores,
    close: async () => {
      stores.db.destroy();
      await server.close();
    },
  };
});

if (motoAvailable) {
  storeContract('DynamoDB adapter on moto (TransactWriteItems)', async () => {
    const moto = (await startMoto({ serial: true })) as Moto;
    const config = { endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
    const client = new DynamoDBClient(config);
    await client.send(new CreateTableCommand(createTableInput('vending-requests')));
    client.destroy();
    const stores = storesOn(config, 'vending-requests', { transactions: true });
    return {
      ...stores,
      close: async () => {
        stores.db.destroy();
        await moto.stop();
      },
    };
  });
} else {
  describe('store contract: DynamoDB adapter on moto', () => {
    console.warn("moto_server not installed (not on PATH): the DynamoDB adapter's transactions were NOT tested against moto.");
    it.skip('moto_server not installed: the transactional protocol did not run', () => undefined);
  });
}

describe("DynamoDB sessions: the dialog's session read with a product talk's", () => {
  it('is as good as a read a moment earlier: a save built on a copy another server overtook is refused, never lost', async () => {
    const server = await startEmbeddedDynamoDb();
    const a = storesOn(server.clientConfig, server.tableName, { transactions: false });
    const b = storesOn(server.clientConfig, server.tableName, { transactions: false });
    try {
      const now = clock.now();
      const later = new Date(now.getTime() + 3_600_000);
      const id = 'slack:T1:UFACET';
      await a.sessions.save({ id, updatedAt: now.toISOString(), state: { turn: 1 }, version: 0 }, later, now);
      await a.sessions.load(facetSessionId('product', id), now); // the turn's first read, on server a
      const onB = await b.sessions.load(id, now);
      await b.sessions.save({ ...onB!, state: { turn: 2 } }, later, now); // another turn, on server b
      const onA = await a.sessions.load(id, now); // the copy read with the talk
      expect(onA).toMatchObject({ state: { turn: 1 }, version: 1 });
      await expect(a.sessions.save({ ...onA!, state: { turn: 'stale' } }, later, now)).rejects.toThrow(SessionConflictError);
      expect((await a.sessions.load(id, now))?.state).toEqual({ turn: 2 });
    } finally {
      a.db.destroy();
      b.db.destroy();
      await server.close();
    }
  });
});

describe('DynamoDB transactions "auto" on an endpoint without them', () => {
  it('falls back once for concurrent first writes: every one of them is written, none fails', async () => {
    const server = await startEmbeddedDynamoDb();
    const stores = storesOn(server.clientConfig, server.tableName, { transactions: 'auto' });
    try {
      const requests = Array.from({ length: 8 }, () => aRequest());
      await Promise.all(requests.map((r) => stores.requests.create(r, [])));
      for (const r of requests) expect(await stores.requests.get(r.id)).toMatchObject({ id: r.id, status: 'PENDING_APPROVAL' });
    } finally {
      stores.db.destroy();
      await server.close();
    }
  });
});

describe('DynamoDB provisioning slots of a release before (one item per slot)', () => {
  it('counts such an item as a holder until its request gives the slot back', async () => {
    const server = await startEmbeddedDynamoDb();
    const stores = storesOn(server.clientConfig, server.tableName, { transactions: false });
    try {
      await stores.db.send(
        new PutCommand({
          TableName: server.tableName,
          Item: { pk: 'SLOTS', sk: 'SLOT#0', requestId: 'req-old', since: '2026-03-02T08:00:00.000Z' },
        }),
      );
      expect(await stores.slots.claim('req-new', 5, clock.now())).toBe(true);
      expect(await stores.slots.holders()).toEqual(
        expect.arrayContaining([
          { requestId: 'req-old', since: '2026-03-02T08:00:00.000Z' },
          { requestId: 'req-new', since: '2026-03-02T09:00:00.000Z' },
        ]),
      );
      await stores.slots.release('req-old');
      await stores.slots.release('req-new');
      expect(await stores.slots.holders()).toEqual([]);
      const left = await stores.db.send(
        new QueryCommand({ TableName: server.tableName, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': 'SLOTS' } }),
      );
      expect(left.Items?.map((i) => i.sk)).toEqual(['HOLDERS']);
    } finally {
      stores.db.destroy();
      await server.close();
    }
  });
});
