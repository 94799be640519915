import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Effect } from '../../core/ports/effects';
import type { CreateOptions, Transition } from '../../core/ports/requests';
import type { AccountRequest } from '../../core/request/account-request';
import { type Hold, holdsOf } from '../../core/request/holds';
import { isConditionFailed } from './client';
import { holdKey, type Item, type Key, requestKey, toRequest } from './items';

/**
 * What a request holds (core/request/holds.ts says what and for how long) as lock items, one per
 * hold, naming the holder's request id. Two protocols take them (holds-fenced.ts for servers
 * without transactions, holds-transactional.ts for DynamoDB); both give the same guarantee:
 * whatever the concurrency, one holder per hold.
 */
export interface HoldProtocol {
  create(request: AccountRequest, effects: Effect[], opts: CreateOptions): Promise<void>;
  /** A transition from a closed state into an open one (retry): takes the e-mail back first. */
  reopen(t: Transition, current: AccountRequest): Promise<void>;
}

/** A hold with the key of its lock item. */
export interface LockedHold extends Hold {
  key: Key;
}

export const locked = (hold: Hold): LockedHold => ({ ...hold, key: holdKey(hold) });

/** The holds a new request takes, in the order they are taken. */
export const holdsToTake = (request: AccountRequest, opts: CreateOptions): LockedHold[] =>
  holdsOf(request, opts.confirmationKey).map(locked);

/** Lock items: one per held thing, naming the holder. */
export class LockItems {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Writes the lock for `requestId` if it is free (or still held by `expectedHolder`); false when someone else has it. */
  async put(key: Key, requestId: string, expectedHolder?: string, attributes: Record<string, unknown> = {}): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...attributes, ...key, requestId },
          ConditionExpression: expectedHolder ? 'requestId = :holder' : 'attribute_not_exists(pk)',
          ...(expectedHolder ? { ExpressionAttributeValues: { ':holder': expectedHolder } } : {}),
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  }

  async holder(key: Key): Promise<string | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }));
    return Item?.requestId;
  }

  /** Releases `key` if `requestId` still holds it. */
  async release(key: Key, requestId: string): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.table,
          Key: key,
          ConditionExpression: 'requestId = :id',
          ExpressionAttributeValues: { ':id': requestId },
        }),
      );
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
    }
  }

  /** The raw request item (drafts included): what a contender looks at to decide. */
  async requestItem(id: string): Promise<Item | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: requestKey(id), ConsistentRead: true }));
    return Item;
  }
}

/** The holder as a contender sees it: undefined when it does not exist (or is only a draft). */
export const holderRequest = (item: Item | undefined): AccountRequest | undefined => (item && !item.draft ? toRequest(item) : undefined);

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
