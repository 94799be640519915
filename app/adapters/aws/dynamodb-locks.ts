import { DeleteCommand, GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed } from './dynamodb-client';

type Key = { pk: string; sk: string };

/**
 * Items that a request holds: e-mail and name locks and provisioning slots. Each is one item with
 * the holder's request id, taken and released with conditional writes only, so DynamoDB and the
 * embedded server apply them atomically without transactions.
 */
export class ItemLocks {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /**
   * Takes `key` for `requestId`. An existing holder is shown to `refuse`, which throws to keep it;
   * if it returns, the holder is stale (closed or never written) and the lock is taken over.
   */
  async take(key: Key, requestId: string, refuse: (holder: string) => Promise<void>): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const holder = await this.holder(key);
      if (holder === requestId) return;
      if (holder) await refuse(holder);
      if (await this.put(key, { requestId }, holder)) return; // else lost a race: look again
    }
    throw new Error(`Could not take the lock ${key.pk}`);
  }

  /** Writes the item if it is free (or still held by `expectedHolder`); false when someone else won. */
  async put(key: Key, attributes: Record<string, unknown>, expectedHolder?: string): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...key, ...attributes },
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
        new DeleteCommand({ TableName: this.table, Key: key, ConditionExpression: 'requestId = :id', ExpressionAttributeValues: { ':id': requestId } }),
      );
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
    }
  }
}

/** At most `max` provisioning operations: numbered slot items SLOTS / SLOT#<n>, one holder each. */
export class ProvisioningSlots {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly locks: ItemLocks,
  ) {}

  async claim(requestId: string, max: number, now: Date): Promise<boolean> {
    const slots = await this.all();
    if (slots.some((s) => s.requestId === requestId)) return true;
    const taken = new Set(slots.map((s) => s.sk));
    for (let n = 0; n < max; n++) {
      const key = { pk: 'SLOTS', sk: `SLOT#${n}` };
      if (!taken.has(key.sk) && (await this.locks.put(key, { requestId, since: now.toISOString() }))) return true;
    }
    return false;
  }

  async release(requestId: string): Promise<void> {
    for (const slot of (await this.all()).filter((s) => s.requestId === requestId)) {
      await this.locks.release({ pk: 'SLOTS', sk: slot.sk }, requestId);
    }
  }

  async holders(): Promise<Array<{ requestId: string; since: string }>> {
    return (await this.all()).map(({ requestId, since }) => ({ requestId, since }));
  }

  private async all(): Promise<Array<{ sk: string; requestId: string; since: string }>> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({ TableName: this.table, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': 'SLOTS' }, ConsistentRead: true }),
    );
    return Items as Array<{ sk: string; requestId: string; since: string }>;
  }
}
