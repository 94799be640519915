import { type DynamoDBDocumentClient, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { ContentionError } from '../../core/errors';
import type { Effect } from '../../core/ports/effects';
import type { CreateOptions, Transition } from '../../core/ports/requests';
import { type AccountRequest, isOpen, STATUSES } from '../../core/request/account-request';
import { type HoldKind, holdsMoving, refusal } from '../../core/request/holds';
import { type HoldProtocol, holderRequest, holdsToTake, type LockedHold, type LockItems, locked, sleep } from './holds';
import { requestItem, requestKey } from './items';
import { conflictOf, transitionUpdate } from './transition';

const CLOSED = STATUSES.filter((s) => !isOpen(s));

/** A lock held by a request that is gone or closed: taken over, checked in the same transaction. */
interface Takeover {
  holderId: string;
  /** The holder's item exists (closed) or not (it never came to exist). */
  exists: boolean;
}

type Item = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * Holds with DynamoDB transactions (TransactWriteItems): the request item and all its locks are
 * written in one all-or-nothing write, each lock conditional on being free, or on its holder being
 * closed or gone (checked in the same transaction). No drafts, no leases, nothing to fence.
 */
export class TransactionalHolds implements HoldProtocol {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly locks: LockItems,
  ) {}

  async create(request: AccountRequest, effects: Effect[], opts: CreateOptions): Promise<void> {
    const first: Item = {
      Put: { TableName: this.table, Item: requestItem(request, effects), ConditionExpression: 'attribute_not_exists(pk)' },
    } as Item;
    await this.write(request, holdsToTake(request, opts), first, (failedFirst) => {
      throw failedFirst ? new ContentionError(`Request id ${request.id} is taken; try again`) : new Error('unreachable');
    });
  }

  async reopen(t: Transition, current: AccountRequest): Promise<void> {
    const first: Item = { Update: transitionUpdate(t, this.table) };
    await this.write(current, holdsMoving(current, t.from, t.to).retake.map(locked), first, async () => {
      throw conflictOf(t, holderRequest(await this.locks.requestItem(t.id)));
    });
  }

  /**
   * Writes `first` (the request) and the locks of `holds` in one transaction, taking over locks
   * whose holders closed or never existed, refusing those that are kept; bounded retries.
   */
  private async write(request: AccountRequest, holds: LockedHold[], first: Item, firstFailed: (failed: boolean) => unknown): Promise<void> {
    const takeovers = new Map<HoldKind, Takeover>();
    for (let attempt = 0; attempt < 8; attempt++) {
      const items: Item[] = [first];
      const owners: Array<LockedHold | undefined> = [undefined];
      for (const hold of holds) {
        for (const item of this.lockItems(hold, request.id, takeovers.get(hold.kind))) {
          items.push(item);
          owners.push(hold);
        }
      }
      let failed: number[];
      try {
        await this.db.send(new TransactWriteCommand({ TransactItems: items }));
        return;
      } catch (err) {
        failed = conditionFailures(err);
        if (failed.length === 0) {
          if (!isTransactionConflict(err)) throw err;
          await sleep(5 + Math.random() * 30);
          continue;
        }
      }
      if (failed.includes(0)) {
        await firstFailed(true);
        return;
      }
      const hold = owners[failed[0]];
      if (!hold) throw new Error(`Transaction item ${failed[0]} of ${items.length} failed its condition but belongs to no hold`);
      const holderId = await this.locks.holder(hold.key);
      if (!holderId) {
        takeovers.delete(hold.kind);
        continue;
      }
      const holder = holderRequest(await this.locks.requestItem(holderId));
      const refused = holderId === request.id ? undefined : refusal(hold, request, holder);
      if (refused) throw refused;
      takeovers.set(hold.kind, { holderId, exists: !!holder });
    }
    throw new ContentionError(`Too many requests at once for ${request.account.email}; nothing was stored. Try again.`);
  }

  /** The lock put, and when taking over, the check that its holder is still closed or gone. */
  private lockItems(hold: LockedHold, requestId: string, takeover: Takeover | undefined): Item[] {
    const put = {
      Put: {
        TableName: this.table,
        Item: { ...hold.key, requestId },
        ConditionExpression: takeover ? 'requestId = :holder' : 'attribute_not_exists(pk)',
        ...(takeover ? { ExpressionAttributeValues: { ':holder': takeover.holderId } } : {}),
      },
    } as Item;
    // Our own stale lock (a reopened request) needs no check; and a transaction may touch an item once.
    if (!takeover || takeover.holderId === requestId) return [put];
    const closed = CLOSED.map((_, i) => `:c${i}`);
    const check = {
      ConditionCheck: {
        TableName: this.table,
        Key: requestKey(takeover.holderId),
        ...(takeover.exists
          ? {
              ConditionExpression: `#status IN (${closed.join(', ')}) AND attribute_not_exists(acquiring)`,
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: Object.fromEntries(CLOSED.map((s, i) => [`:c${i}`, s])),
            }
          : { ConditionExpression: 'attribute_not_exists(pk)' }),
      },
    } as Item;
    return [put, check];
  }
}

/** Indexes of the transaction's items whose condition failed (TransactionCanceledException). */
function conditionFailures(err: unknown): number[] {
  const e = err as { name?: string; CancellationReasons?: Array<{ Code?: string }> };
  if (e?.name !== 'TransactionCanceledException') return [];
  return (e.CancellationReasons ?? []).flatMap((r, i) => (r?.Code === 'ConditionalCheckFailed' ? [i] : []));
}

/** Another transaction touched the same items at the same time: retry. */
function isTransactionConflict(err: unknown): boolean {
  const e = err as { name?: string; CancellationReasons?: Array<{ Code?: string }> };
  if (e?.name === 'TransactionConflictException' || e?.name === 'TransactionInProgressException') return true;
  return e?.name === 'TransactionCanceledException' && (e.CancellationReasons ?? []).some((r) => r?.Code === 'TransactionConflict');
}
