import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { inOrder, nextDue } from '../../core/effects/dispatcher';
import type { Effect, EffectStore } from '../../core/ports/effects';
import type { AccountRequest } from '../../core/request/account-request';
import { isConditionFailed } from './client';
import {
  dueIndex,
  effectIn,
  effectStateKey,
  effectsKey,
  effectsOf,
  type Item,
  isEffectState,
  isRequestScope,
  isVisible,
  knownEffectsRev,
  noteEffectsRev,
  requestKey,
  scopeKey,
  scopeOfItem,
  toRequest,
  writtenItem,
} from './items';
import { TTL_ATTRIBUTE } from './table-schema';

/** How long the request read with a scope's effects stands for "the request as it stands" in a claim. */
const FRESH_MS = 2_000;
/** A done effect's state item is removed by the table's TTL this long after (its effect is gone from the request by then). */
const DONE_TTL_SECONDS = 30 * 24 * 3_600;
/** At most this many scopes remembered between pending, claim and settle (the scopes in flight). */
const REMEMBERED = 500;

/** What pending() last read of a request scope: the request item and the state items beside it. */
interface Seen {
  item: Item;
  states: Map<string, Item>;
  at: number;
}

/**
 * The effects still to carry out. A request's effects are written on its own item, in the same
 * conditional write as the transition that causes them; claiming, rescheduling and finishing one
 * writes a small state item beside it (REQ#<id> / FX#<effect>), so that the request item (and its
 * index entries) is not rewritten for every claim and settle. Once every effect on it is done, one
 * write removes them and its effectsDue keys. Other deferred work has an item of its own
 * (SCOPE#<scope>) and keeps its effects' state on it. The sparse effectsDue index points at each
 * item's next due effect.
 *
 * Items of earlier releases kept the claim and the retry of each effect in the effect itself: they
 * are read the same way (a state item, when there is one, has the last word).
 */
export class DynamoDbEffectStore implements EffectStore {
  private readonly seen = new Map<string, Seen>();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async enqueue(scope: string, effects: Effect[]): Promise<void> {
    if (isRequestScope(scope)) throw new Error("A request's effects are written with its transitions");
    const names = Object.fromEntries(effects.map((e, i) => [`#e${i}`, e.id]));
    const { gsi3sk: due } = dueIndex(effects, new Date().toISOString());
    const values = { ':one': 1, ':eff': 'EFFECTS', ':due': due, ...Object.fromEntries(effects.map((e, i) => [`:e${i}`, e])) };
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
              gsi3sk: due,
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
    if (isRequestScope(scope)) {
      const seen = await this.read(scope);
      if (!seen) return [];
      const live = liveEffects(seen);
      if (live.length === 0 && seen.item.gsi3pk) await this.drain(scope, seen);
      return inOrder(live);
    }
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
    if (isRequestScope(scope)) return this.claimOfRequest(scope, effectId, owner, now, leaseMs);
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
    if (isRequestScope(scope)) return this.settleOfRequest(scope, effectId, retry);
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

  /** A request's item and its effects' state items, in one consistent read of its partition; remembered for claim and settle. */
  private async read(scope: string): Promise<Seen | undefined> {
    let item: Item | undefined;
    const states = new Map<string, Item>();
    let start: Item | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': requestKey(scope).pk },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const i of page.Items ?? []) {
        if (i.sk === requestKey(scope).sk) item = i;
        else if (isEffectState(i)) states.set(String(i.sk).slice(3), i);
      }
      start = page.LastEvaluatedKey;
    } while (start);
    if (!isVisible(item)) {
      this.seen.delete(scope);
      return undefined;
    }
    noteEffectsRev(this.db, this.table, item);
    const seen: Seen = { item, states, at: Date.now() };
    this.seen.delete(scope);
    this.seen.set(scope, seen);
    if (this.seen.size > REMEMBERED) this.seen.delete(this.seen.keys().next().value as string);
    return seen;
  }

  /**
   * Claims on the effect's state item. The request returned is the one read with the scope's
   * effects (by pending, a moment before, in this process) or read now: it is never older than the
   * transition that planned the effect, so a retry, which reads again, never renders stale news.
   */
  private async claimOfRequest(scope: string, effectId: string, owner: string, now: Date, leaseMs: number) {
    const remembered = this.seen.get(scope);
    const seen =
      remembered && Date.now() - remembered.at <= FRESH_MS && remembered.item.effects?.[effectId] ? remembered : await this.read(scope);
    const effect = effectIn(seen?.item, effectId);
    if (!seen || !effect || seen.states.get(effectId)?.done) return undefined;
    // A claim in the effect itself: written by the transition that planned it (or by a release
    // that kept claims there). While it runs, it is its owner's without a write, and no one else's.
    const leased = !seen.states.has(effectId) && effect.claimedUntil !== undefined && effect.claimedUntil >= now.toISOString();
    if (leased && effect.claimedBy !== owner) return undefined;
    if (leased) return { request: toRequest(seen.item) };
    const until = new Date(now.getTime() + leaseMs).toISOString();
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: effectStateKey(scope, effectId),
          UpdateExpression: 'SET claimedUntil = :until, claimedBy = :owner',
          ConditionExpression:
            'attribute_not_exists(done) AND (attribute_not_exists(claimedUntil) OR claimedUntil < :now OR claimedBy = :owner)',
          ExpressionAttributeValues: { ':until': until, ':now': now.toISOString(), ':owner': owner },
        }),
      );
    } catch (err) {
      if (isConditionFailed(err)) return undefined;
      throw err;
    }
    seen.states.set(effectId, { ...seen.states.get(effectId), claimedUntil: until, claimedBy: owner });
    return { request: toRequest(seen.item) };
  }

  /** Done: its state item says so (the request item is written once all are done). Rescheduled: the state item, and the due index when it must move. */
  private async settleOfRequest(scope: string, effectId: string, retry?: Pick<Effect, 'attempts' | 'dueAt' | 'lastError'>): Promise<void> {
    const remembered = this.seen.get(scope);
    // The last one done: removed from the request with the others in one write, no state item needed.
    if (!retry && remembered && liveEffects(remembered).every((e) => e.id === effectId)) {
      const previous = remembered.states.get(effectId);
      remembered.states.set(effectId, { ...previous, done: true });
      if (await this.drain(scope, remembered)) return;
      if (previous) remembered.states.set(effectId, previous);
      else remembered.states.delete(effectId);
    }
    const ttl = Math.floor(Date.now() / 1000) + DONE_TTL_SECONDS;
    const { Attributes } = await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: effectStateKey(scope, effectId),
        ...(retry
          ? {
              UpdateExpression: 'SET attempts = :attempts, dueAt = :due, lastError = :err REMOVE claimedUntil, claimedBy',
              ExpressionAttributeValues: { ':attempts': retry.attempts, ':due': retry.dueAt, ':err': retry.lastError ?? '' },
            }
          : {
              UpdateExpression: 'SET done = :done, #ttl = :ttl REMOVE claimedUntil, claimedBy',
              ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
              ExpressionAttributeValues: { ':done': true, ':ttl': ttl },
            }),
        ReturnValues: 'ALL_NEW',
      }),
    );
    const seen = retry ? (this.seen.get(scope) ?? (await this.read(scope))) : this.seen.get(scope);
    if (!seen) return; // Done, read elsewhere: the next read of the scope (the sweep) finishes it.
    seen.states.set(effectId, Attributes ?? {});
    const live = liveEffects(seen);
    if (live.length === 0) return void (await this.drain(scope, seen));
    if (!retry) return;
    const due = nextDue(live);
    if (due === seen.item.gsi3sk) return;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: requestKey(scope),
          UpdateExpression: 'SET gsi3pk = :eff, gsi3sk = :due',
          ...revCondition(seen.item, { ':eff': 'EFFECTS', ':due': due }),
        }),
      );
      seen.item = { ...seen.item, gsi3pk: 'EFFECTS', gsi3sk: due };
    } catch (err) {
      if (!isConditionFailed(err)) throw err; // a transition added effects meanwhile, and set the index itself
    }
  }

  /** Every effect of the request is done: one write removes them and its effectsDue keys, unless a transition added effects since. */
  /** True when written; false when effects were added since (their round finishes them all). */
  private async drain(scope: string, seen: Seen): Promise<boolean> {
    const done = effectsOf(seen.item).filter((e) => seen.states.get(e.id)?.done);
    // A transition of this process added effects since: its own dispatch round finishes them all.
    if ((knownEffectsRev(this.db, this.table, String(seen.item.pk)) ?? -1) > (seen.item.effectsRev ?? -1)) return false;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: requestKey(scope),
          UpdateExpression: `REMOVE gsi3pk, gsi3sk${done.map((_, i) => `, effects.#d${i}`).join('')}`,
          ...(done.length ? { ExpressionAttributeNames: Object.fromEntries(done.map((e, i) => [`#d${i}`, e.id])) } : {}),
          ...revCondition(seen.item),
        }),
      );
      if (this.seen.get(scope) === seen) this.seen.delete(scope);
      return true;
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
      return false;
    }
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

/** The effects of a request still to carry out: those on its item not done, with their state (claim, retry) from the state items. */
function liveEffects(seen: Seen): Effect[] {
  return effectsOf(seen.item).flatMap((e) => {
    const state = seen.states.get(e.id);
    if (!state) return [e];
    if (state.done) return [];
    const { claimedUntil: _u, claimedBy: _b, ...definition } = e;
    const { attempts, dueAt, lastError, claimedUntil, claimedBy } = state;
    return [
      {
        ...definition,
        ...(attempts !== undefined ? { attempts, dueAt, lastError } : {}),
        ...(claimedUntil !== undefined ? { claimedUntil, claimedBy } : {}),
      } as Effect,
    ];
  });
}

/** Only if the request's effects did not change since `item` was read (effectsRev; items of old releases may have none). */
function revCondition(item: Item, values: Record<string, unknown> = {}) {
  return item.effectsRev === undefined
    ? {
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(effectsRev)',
        ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
      }
    : { ConditionExpression: 'effectsRev = :rev', ExpressionAttributeValues: { ...values, ':rev': item.effectsRev } };
}
