import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { SlotStore } from '../../core/ports/slots';
import { LockItems } from './holds';

/** At most `max` provisioning operations: numbered slot items SLOTS / SLOT#<n>, one holder each. */
export class DynamoDbSlotStore implements SlotStore {
  private readonly locks: LockItems;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {
    this.locks = new LockItems(db, table);
  }

  async claim(requestId: string, max: number, now: Date): Promise<boolean> {
    const slots = await this.all();
    if (slots.some((s) => s.requestId === requestId)) return true;
    const taken = new Set(slots.map((s) => s.sk));
    for (let n = 0; n < max; n++) {
      const key = { pk: 'SLOTS', sk: `SLOT#${n}` };
      if (!taken.has(key.sk) && (await this.locks.put(key, requestId, undefined, { since: now.toISOString() }))) return true;
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
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': 'SLOTS' },
        ConsistentRead: true,
      }),
    );
    return Items as Array<{ sk: string; requestId: string; since: string }>;
  }
}
