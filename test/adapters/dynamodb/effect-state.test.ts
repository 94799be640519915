import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../../app/adapters/dynamodb/client';
import { DynamoDbEffectStore } from '../../../app/adapters/dynamodb/effects';
import { DynamoDbRequestStore } from '../../../app/adapters/dynamodb/store';
import { startEmbeddedDynamoDb } from '../../../app/adapters/embedded/dynalite';
import { anEffect, aRequest, aTransition } from '../../store/contract';

/**
 * How the DynamoDB adapter keeps its effect bookkeeping off the request item (the store contract
 * says what; this says where, since the write units depend on it): claims and settlements write
 * the effect state items beside the request (FX#), the request item is written again only when
 * all its effects are done, and what a crash leaves half-way is finished by the next read.
 */
describe('DynamoDB effects: state items beside the request', () => {
  let server: Awaited<ReturnType<typeof startEmbeddedDynamoDb>>;
  let db: ReturnType<typeof documentClient>;
  const now = new Date('2026-03-02T09:00:00.000Z');

  beforeAll(async () => {
    server = await startEmbeddedDynamoDb();
    db = documentClient(server.clientConfig);
  });
  afterAll(async () => {
    db.destroy();
    await server.close();
  });

  const requestItem = async (id: string) =>
    (await db.send(new GetCommand({ TableName: server.tableName, Key: { pk: `REQ#${id}`, sk: 'REQ' }, ConsistentRead: true }))).Item;
  const partition = async (id: string) =>
    (
      await db.send(
        new QueryCommand({
          TableName: server.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `REQ#${id}` },
          ConsistentRead: true,
        }),
      )
    ).Items ?? [];

  it('claims and settles without writing the request item, then removes the effects and the due keys in one write', async () => {
    const requests = new DynamoDbRequestStore(db, server.tableName, { transactions: false });
    const effects = new DynamoDbEffectStore(db, server.tableName);
    const r = aRequest();
    const [a, b] = [anEffect(), anEffect({ handler: 'other' })];
    await requests.create(r, [a, b]);
    const written = await requestItem(r.id);
    expect(written?.gsi3pk).toBe('EFFECTS');

    expect((await effects.pending(r.id)).map((e) => e.id).sort()).toEqual([a.id, b.id].sort());
    expect((await effects.claim(r.id, a.id, 'node-a', now, 60_000))?.request?.id).toBe(r.id);
    expect(await effects.claim(r.id, a.id, 'node-b', now, 60_000)).toBeUndefined();
    await effects.settle(r.id, a.id);
    // Neither the claim nor the settlement touched the request item.
    expect(await requestItem(r.id)).toEqual(written);
    expect((await partition(r.id)).map((i) => i.sk)).toEqual(expect.arrayContaining([`FX#${a.id}`]));

    await effects.claim(r.id, b.id, 'node-a', now, 60_000);
    await effects.settle(r.id, b.id);
    const drained = await requestItem(r.id);
    expect(drained?.effects).toEqual({});
    expect(drained?.gsi3pk).toBeUndefined();
    expect(await effects.pending(r.id)).toEqual([]);
    expect(await effects.due(new Date('2030-01-01T00:00:00.000Z'), 1000)).not.toContain(r.id);
  });

  it('finishes, at the next read, a request whose effects were all done by a process that stopped before removing them', async () => {
    const requests = new DynamoDbRequestStore(db, server.tableName, { transactions: false });
    const r = aRequest();
    const e = anEffect();
    await requests.create(r, [e]);
    // Claimed and done by a store that never read the scope (so it cannot know it was the last one).
    const gone = new DynamoDbEffectStore(db, server.tableName);
    await gone.claim(r.id, e.id, 'node-a', now, 60_000);
    await new DynamoDbEffectStore(db, server.tableName).settle(r.id, e.id);
    expect((await requestItem(r.id))?.gsi3pk).toBe('EFFECTS');

    const sweeper = new DynamoDbEffectStore(db, server.tableName);
    expect(await sweeper.due(now, 1000)).toContain(r.id);
    expect(await sweeper.pending(r.id)).toEqual([]);
    expect((await requestItem(r.id))?.gsi3pk).toBeUndefined();
    expect(await sweeper.due(now, 1000)).not.toContain(r.id);
  });

  it('leaves the due keys to a transition that added effects meanwhile', async () => {
    const requests = new DynamoDbRequestStore(db, server.tableName, { transactions: false });
    const effects = new DynamoDbEffectStore(db, server.tableName);
    const r = aRequest();
    const first = anEffect();
    await requests.create(r, [first]);
    await effects.pending(r.id);
    await effects.claim(r.id, first.id, 'node-a', now, 60_000);
    const later = anEffect({ seq: 'v00000002.000', event: 'approve' });
    await requests.transition(aTransition(r, 'approve', 'APPROVED', { effects: [later] }));
    await effects.settle(r.id, first.id);
    expect((await effects.pending(r.id)).map((x) => x.id)).toEqual([later.id]);
    expect((await requestItem(r.id))?.gsi3pk).toBe('EFFECTS');
    expect(await effects.due(now, 1000)).toContain(r.id);
  });

  it('gives an effect its transition planned already claimed to that claimer without a write, and to others only after the lease', async () => {
    const requests = new DynamoDbRequestStore(db, server.tableName, { transactions: false });
    const effects = new DynamoDbEffectStore(db, server.tableName);
    const r = aRequest();
    await requests.create(r, []);
    const e = anEffect({ claimedBy: 'node-a', claimedUntil: '2026-03-02T09:01:00.000Z' });
    await requests.transition(aTransition(r, 'approve', 'APPROVED', { effects: [e] }));
    expect(await effects.pending(r.id)).toHaveLength(1);
    expect(await effects.claim(r.id, e.id, 'node-b', now, 60_000)).toBeUndefined();
    expect(await effects.claim(r.id, e.id, 'node-a', now, 60_000)).toMatchObject({ request: { id: r.id, status: 'APPROVED' } });
    expect((await partition(r.id)).map((i) => i.sk)).toEqual(['REQ']); // no state item: the claim was the transition's
    // The stored effect keeps its id as the map's key only, and no attempts while there are none.
    expect((await requestItem(r.id))?.effects[e.id]).toEqual({
      handler: 'test',
      event: 'create',
      seq: e.seq,
      dueAt: e.dueAt,
      claimedBy: 'node-a',
      claimedUntil: '2026-03-02T09:01:00.000Z',
    });
    expect(await effects.claim(r.id, e.id, 'node-b', new Date('2026-03-02T09:02:00.000Z'), 60_000)).toBeDefined();
  });

  it('honours a claim that a release before kept in the effect itself, until its lease runs out', async () => {
    const requests = new DynamoDbRequestStore(db, server.tableName, { transactions: false });
    const effects = new DynamoDbEffectStore(db, server.tableName);
    const r = aRequest();
    const e = anEffect();
    await requests.create(r, [e]);
    await db.send(
      new UpdateCommand({
        TableName: server.tableName,
        Key: { pk: `REQ#${r.id}`, sk: 'REQ' },
        UpdateExpression: 'SET effects.#e.claimedUntil = :until, effects.#e.claimedBy = :by',
        ExpressionAttributeNames: { '#e': e.id },
        ExpressionAttributeValues: { ':until': '2026-03-02T09:01:00.000Z', ':by': 'old-node' },
      }),
    );
    expect(await effects.claim(r.id, e.id, 'node-a', now, 60_000)).toBeUndefined();
    expect(await effects.claim(r.id, e.id, 'old-node', now, 60_000)).toBeDefined();
    // Taken again by its owner (its lease, in the effect, until 09:01), then anyone's.
    expect(await effects.claim(r.id, e.id, 'node-a', new Date('2026-03-02T09:00:30.000Z'), 60_000)).toBeUndefined();
    expect(await effects.claim(r.id, e.id, 'node-a', new Date('2026-03-02T09:02:00.000Z'), 60_000)).toBeDefined();
  });
});
