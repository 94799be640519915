import { type DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SlotStore } from '../../core/ports/slots';
import { isConditionFailed } from './client';
import { LockItems } from './holds';

const HOLDERS = { pk: 'SLOTS', sk: 'HOLDERS' };

/**
 * At most `max` provisioning operations: one item (SLOTS / HOLDERS) whose map holds the requests
 * that have a slot, each with since when. Taking a slot is one conditional update (fewer than
 * `max` holders, or already this request), giving it back one removal: neither reads first.
 *
 * Releases before kept one item per slot (SLOTS / SLOT#<n>). Such an item still counts as a holder
 * in `holders()` and is removed when its request gives its slot back; while one is held the cap
 * counts only the map's holders (Control Tower's own limit then answers "busy", and the request
 * goes back to the queue).
 */
export class DynamoDbSlotStore implements SlotStore {
  /** Slot items of earlier releases seen by the last `holders()`, by request. */
  private readonly earlier = new Map<string, string[]>();

  private readonly locks: LockItems;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {
    this.locks = new LockItems(db, table);
  }

  async claim(requestId: string, max: number, now: Date): Promise<boolean> {
    const since = now.toISOString();
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await this.db.send(
          new UpdateCommand({
            TableName: this.table,
            Key: HOLDERS,
            UpdateExpression: 'SET holders.#r = if_not_exists(holders.#r, :since)',
            ConditionExpression: 'attribute_not_exists(holders) OR attribute_exists(holders.#r) OR size(holders) < :max',
            ExpressionAttributeNames: { '#r': requestId },
            ExpressionAttributeValues: { ':since': since, ':max': max },
          }),
        );
        return true;
      } catch (err) {
        if (isConditionFailed(err)) return false;
        // No map yet (the very first claim): it is made with this holder, unless another claimer made it first.
        if ((err as { name?: string })?.name !== 'ValidationException') throw err;
      }
      try {
        await this.db.send(
          new PutCommand({
            TableName: this.table,
            Item: { ...HOLDERS, holders: { [requestId]: since } },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return true;
      } catch (err) {
        if (!isConditionFailed(err)) throw err;
      }
    }
    throw new Error('Could not take a provisioning slot: too many concurrent writers');
  }

  async release(requestId: string): Promise<void> {
    await this.db
      .send(
        new UpdateCommand({
          TableName: this.table,
          Key: HOLDERS,
          UpdateExpression: 'REMOVE holders.#r',
          ConditionExpression: 'attribute_exists(holders)',
          ExpressionAttributeNames: { '#r': requestId },
        }),
      )
      .catch((err) => (isConditionFailed(err) ? undefined : Promise.reject(err)));
    for (const sk of this.earlier.get(requestId) ?? []) await this.locks.release({ pk: HOLDERS.pk, sk }, requestId);
    this.earlier.delete(requestId);
  }

  async holders(): Promise<Array<{ requestId: string; since: string }>> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': HOLDERS.pk },
        ConsistentRead: true,
      }),
    );
    this.earlier.clear();
    const out: Array<{ requestId: string; since: string }> = [];
    for (const item of Items) {
      if (item.sk === HOLDERS.sk) {
        for (const [requestId, since] of Object.entries((item.holders ?? {}) as Record<string, string>)) out.push({ requestId, since });
      } else if (typeof item.requestId === 'string') {
        this.earlier.set(item.requestId, [...(this.earlier.get(item.requestId) ?? []), String(item.sk)]);
        out.push({ requestId: item.requestId, since: String(item.since ?? '') });
      }
    }
    return out;
  }
}
