import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ContentionError } from '../../core/errors';
import type { Effect } from '../../core/ports/effects';
import type { CreateOptions, Transition } from '../../core/ports/requests';
import { type AccountRequest, isOpen, STATUSES } from '../../core/request/account-request';
import { holdsMoving, refusal } from '../../core/request/holds';
import { isConditionFailed } from './client';
import { type HoldProtocol, holdsToTake, type LockedHold, type LockItems, locked, sleep } from './holds';
import { dueIndex, type Item, requesterIndex, requestItem, requestKey, statusIndex, storedEffects, toRequest } from './items';
import { conflictOf, transitionUpdate } from './transition';

const CLOSED = STATUSES.filter((s) => !isOpen(s));

/**
 * Holds with single-item conditional writes only (servers without transactions, such as the
 * embedded dynalite). The request item is written first, as a draft carrying a short lease
 * (`acquiring`), and made visible only once all its locks are taken; so a contender always finds
 * the holder of a lock and can tell:
 * - the holder is still taking its locks (lease running): wait for it, never take over;
 * - its lease ran out (it crashed): fence it (delete the draft, or drop a reopen's lease), after
 *   which its own final write fails, then take over;
 * - it exists and keeps the hold (an open request, a used name): refuse;
 * - it closed (an e-mail): fence it (`fence` counter, refused while it is reopening) and take over.
 * Every step is a compare-and-set, so exactly one of any number of contenders wins.
 */
export class FencedHolds implements HoldProtocol {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly locks: LockItems,
    /** How long a holder may take between its first and last write before others may fence it. */
    private readonly leaseMs = 10_000,
  ) {}

  async create(request: AccountRequest, effects: Effect[], opts: CreateOptions): Promise<void> {
    const lease = this.lease();
    const { gsi1pk, gsi1sk, gsi2pk, gsi2sk, gsi3pk, gsi3sk, effects: _e, effectsRev: _r, ...draft } = requestItem(request, effects);
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...draft, draft: true, acquiring: lease },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    const taken: LockedHold[] = [];
    try {
      for (const hold of holdsToTake(request, opts)) {
        await this.take(hold, request);
        taken.push(hold);
      }
      await this.publish(request, effects, lease);
    } catch (err) {
      await this.dropLease(requestKey(request.id), lease, true);
      for (const hold of taken) await this.locks.release(hold.key, request.id);
      throw err;
    }
  }

  async reopen(t: Transition, current: AccountRequest): Promise<void> {
    const lease = this.lease();
    const item = await this.locks.requestItem(t.id);
    try {
      // Announce the reopen; refused if a contender fenced this request since it was read.
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: requestKey(t.id),
          UpdateExpression: 'SET acquiring = :lease',
          ConditionExpression:
            'attribute_not_exists(acquiring) AND (fence = :fence OR attribute_not_exists(fence)) AND (#version = :v OR attribute_not_exists(#version))',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':lease': lease, ':fence': item?.fence ?? 0, ':v': item?.version ?? current.version },
        }),
      );
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
      throw conflictOf(t, toRequestOrUndefined(await this.locks.requestItem(t.id)));
    }
    const retake = holdsMoving(current, t.from, t.to).retake.map(locked);
    const took: LockedHold[] = [];
    try {
      for (const hold of retake) {
        await this.take(hold, current);
        took.push(hold);
      }
      await this.db.send(
        new UpdateCommand(
          transitionUpdate(t, this.table, { condition: 'acquiring = :lease', remove: ['acquiring'], values: { ':lease': lease } }),
        ),
      );
    } catch (err) {
      await this.dropLease(requestKey(t.id), lease, false);
      for (const hold of took) await this.locks.release(hold.key, t.id);
      if (!isConditionFailed(err)) throw err;
      const now = toRequestOrUndefined(await this.locks.requestItem(t.id));
      throw now && now.version === t.expectedVersion
        ? new ContentionError('Another request took the account e-mail meanwhile; nothing was changed. Try again.')
        : conflictOf(t, now);
    }
  }

  /** Takes one hold for `request`, waiting (bounded) for holders that are still being written. */
  private async take(hold: LockedHold, request: AccountRequest): Promise<void> {
    const giveUpAt = Date.now() + this.leaseMs + 2_000;
    for (let round = 0; Date.now() < giveUpAt; round++) {
      if (await this.locks.put(hold.key, request.id)) return;
      const holderId = await this.locks.holder(hold.key);
      if (holderId === request.id) return;
      if (!holderId) continue; // released meanwhile: try again at once
      const item = await this.locks.requestItem(holderId);
      if (item?.acquiring) {
        if (item.acquiring > new Date().toISOString()) await sleep(5 + Math.random() * 20 * Math.min(round + 1, 5));
        else await this.fenceExpired(item);
        continue;
      }
      const holder = item ? toRequest(item) : undefined;
      const refused = refusal(hold, request, holder);
      if (refused) throw refused;
      // Free to take: the holder never came to exist, or it closed (fence it against a reopen first).
      if (item && !(await this.fenceClosed(holderId, item))) continue;
      if (await this.locks.put(hold.key, request.id, holderId)) return;
    }
    throw new ContentionError(`Too many requests at once for ${hold.value}; nothing was stored. Try again.`);
  }

  /** A holder whose lease ran out (it crashed while taking its locks): make its own last write fail. */
  private fenceExpired(item: Item): Promise<void> {
    return this.dropLease({ pk: item.pk, sk: item.sk }, item.acquiring, !!item.draft);
  }

  /**
   * Ends a lease on a request item, if it is still that lease: a draft is deleted (it never
   * became a request), a reopen's lease removed. Whoever holds the lease then fails its last write.
   */
  private async dropLease(key: { pk: string; sk: string }, lease: string, draft: boolean): Promise<void> {
    const condition = {
      TableName: this.table,
      Key: key,
      ConditionExpression: 'acquiring = :lease',
      ExpressionAttributeValues: { ':lease': lease },
    };
    await this.ignoreConflict(
      this.db.send(draft ? new DeleteCommand(condition) : new UpdateCommand({ ...condition, UpdateExpression: 'REMOVE acquiring' })),
    );
  }

  /** Marks a closed holder as having lost its e-mail, unless it is reopening right now. */
  private async fenceClosed(holderId: string, item: Item): Promise<boolean> {
    const closed = CLOSED.map((_, i) => `:c${i}`);
    const values: Record<string, unknown> = Object.fromEntries(CLOSED.map((s, i) => [`:c${i}`, s]));
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: requestKey(holderId),
          UpdateExpression: 'ADD fence :one',
          ConditionExpression: `attribute_not_exists(acquiring) AND #status IN (${closed.join(', ')}) AND (#version = :v OR attribute_not_exists(#version))`,
          ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
          ExpressionAttributeValues: { ...values, ':one': 1, ':v': item.version ?? toRequest(item).version },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  }

  /** The draft becomes the request: indexes and effects written, lease dropped, unless it was fenced. */
  private async publish(request: AccountRequest, effects: Effect[], lease: string): Promise<void> {
    const values: Record<string, unknown> = {
      ':lease': lease,
      ...prefixed(statusIndex(request.status, request.statusSince, request.id)),
      ...prefixed(requesterIndex(request)),
      ...prefixed(dueIndex(effects, request.createdAt)),
      ':effects': storedEffects(effects),
      ':zero': 0,
    };
    const sets = Object.keys(values)
      .filter((k) => k.startsWith(':gsi'))
      .map((k) => `${k.slice(1)} = ${k}`);
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: requestKey(request.id),
          UpdateExpression: `SET ${[...sets, 'effects = :effects', 'effectsRev = :zero'].join(', ')} REMOVE draft, acquiring`,
          ConditionExpression: 'acquiring = :lease',
          ExpressionAttributeValues: values,
        }),
      );
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
      throw new ContentionError('Storing the request took too long and another request took its place; nothing was stored. Try again.');
    }
  }

  private lease(): string {
    return new Date(Date.now() + this.leaseMs).toISOString();
  }

  private async ignoreConflict(p: Promise<unknown>): Promise<void> {
    try {
      await p;
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
    }
  }
}

const prefixed = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [`:${k}`, v]));
const toRequestOrUndefined = (item: Item | undefined) => (item && !item.draft ? toRequest(item) : undefined);
