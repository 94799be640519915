import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { inOrder, nextDue } from '../../core/effects/dispatcher';
import type { Effect, EffectStore } from '../../core/ports/effects';
import type { AccountRequest } from '../../core/request/account-request';
import { isConditionFailed } from './client';
import { effectsKey, effectsOf, type Item, isRequestScope, scopeKey, scopeOfItem, toRequest, writtenItem } from './items';

/**
 * The effects still to carry out. A request's effects live on its own item (written in the same
 * conditional write as the transition that causes them); other deferred work has an item of its
 * own (SCOPE#<scope>). The sparse effectsDue index points at each item's next due effect.
 */
export class DynamoDbEffectStore implements EffectStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async enqueue(scope: string, effects: Effect[]): Promise<void> {
    if (isRequestScope(scope)) throw new Error("A request's effects are written with its transitions");
    const names = Object.fromEntries(effects.map((e, i) => [`#e${i}`, e.id]));
    const values = { ':one': 1, ':eff': 'EFFECTS', ':due': nextDue(effects), ...Object.fromEntries(effects.map((e, i) => [`:e${i}`, e])) };
    // Into the scope's map when it exists; else the map is created with them. Either may lose a
    // race with the other or with the removal of an emptied scope: bounded retries.
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        await this.db.send(
          new UpdateCommand({
            TableName: this.table,
            Key: scopeKey(scope),
            UpdateExpression: `SET ${effects.map((_, i) => `effects.#e${i} = :e${i}`).join(', ')}, gsi3pk = :eff, gsi3sk = :due ADD effectsRev :one`,
            ConditionExpression: 'attribute_exists(effects)',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        );
        return;
      } catch (err) {
        if (!isConditionFailed(err)) throw err;
      }
      try {
        await this.db.send(
          new PutCommand({
            TableName: this.table,
            Item: {
              ...scopeKey(scope),
              effects: Object.fromEntries(effects.map((e) => [e.id, e])),
              effectsRev: 1,
              gsi3pk: 'EFFECTS',
              gsi3sk: nextDue(effects),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return;
      } catch (err) {
        if (!isConditionFailed(err)) throw err;
      }
    }
    throw new Error(`Could not store the effects of ${scope}: too many concurrent writers`);
  }

  async pending(scope: string): Promise<Effect[]> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: effectsKey(scope), ProjectionExpression: 'effects', ConsistentRead: true }),
    );
    return inOrder(effectsOf(Item));
  }

  async due(now: Date, limit = 100): Promise<string[]> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'effectsDue',
        KeyConditionExpression: 'gsi3pk = :eff AND gsi3sk <= :now',
        ExpressionAttributeValues: { ':eff': 'EFFECTS', ':now': now.toISOString() },
        Limit: limit,
      }),
    );
    return Items.map((i) => scopeOfItem(i)).filter((s): s is string => !!s);
  }

  async claim(
    scope: string,
    effectId: string,
    owner: string,
    now: Date,
    leaseMs: number,
  ): Promise<{ request?: AccountRequest } | undefined> {
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: effectsKey(scope),
          UpdateExpression: 'SET effects.#e.claimedUntil = :until, effects.#e.claimedBy = :owner',
          ConditionExpression:
            'attribute_exists(effects.#e) AND (attribute_not_exists(effects.#e.claimedUntil) OR effects.#e.claimedUntil < :now OR effects.#e.claimedBy = :owner)',
          ExpressionAttributeNames: { '#e': effectId },
          ExpressionAttributeValues: {
            ':until': new Date(now.getTime() + leaseMs).toISOString(),
            ':now': now.toISOString(),
            ':owner': owner,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return isRequestScope(scope) ? { request: toRequest(writtenItem(Attributes, effectsKey(scope))) } : {};
    } catch (err) {
      if (isConditionFailed(err)) return undefined;
      throw err;
    }
  }

  async settle(scope: string, effectId: string, retry?: Pick<Effect, 'attempts' | 'dueAt' | 'lastError'>): Promise<void> {
    const { Attributes } = await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: effectsKey(scope),
        ...(retry
          ? {
              UpdateExpression:
                'SET effects.#e.attempts = :attempts, effects.#e.dueAt = :due, effects.#e.lastError = :err REMOVE effects.#e.claimedUntil, effects.#e.claimedBy ADD effectsRev :one',
              ExpressionAttributeValues: { ':attempts': retry.attempts, ':due': retry.dueAt, ':err': retry.lastError ?? '', ':one': 1 },
            }
          : { UpdateExpression: 'REMOVE effects.#e ADD effectsRev :one', ExpressionAttributeValues: { ':one': 1 } }),
        ConditionExpression: 'attribute_exists(effects.#e)',
        ExpressionAttributeNames: { '#e': effectId },
        ReturnValues: 'ALL_NEW',
      }),
    );
    await this.pointIndex(scope, Attributes, !!retry);
  }

  /**
   * Keeps the sparse effectsDue index pointing at the next due effect, unless a concurrent write
   * changed the effects since (it then set the index itself). While effects remain and none was
   * postponed, the marker is already early enough: the sweep only looks at what is due.
   */
  private async pointIndex(scope: string, item: Item | undefined, postponed: boolean): Promise<void> {
    const remaining = effectsOf(item);
    if (remaining.length > 0 && !postponed) return;
    const rev = { ':rev': item?.effectsRev };
    try {
      if (remaining.length === 0 && !isRequestScope(scope)) {
        await this.db.send(
          new DeleteCommand({
            TableName: this.table,
            Key: scopeKey(scope),
            ConditionExpression: 'effectsRev = :rev',
            ExpressionAttributeValues: rev,
          }),
        );
      } else {
        await this.db.send(
          new UpdateCommand({
            TableName: this.table,
            Key: effectsKey(scope),
            ...(remaining.length
              ? {
                  UpdateExpression: 'SET gsi3pk = :eff, gsi3sk = :due',
                  ExpressionAttributeValues: { ':eff': 'EFFECTS', ':due': nextDue(remaining), ...rev },
                }
              : { UpdateExpression: 'REMOVE gsi3pk, gsi3sk', ExpressionAttributeValues: rev }),
            ConditionExpression: 'effectsRev = :rev',
          }),
        );
      }
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
    }
  }
}
