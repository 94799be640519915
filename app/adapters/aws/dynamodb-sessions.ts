import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DialogSession } from '../../core/dialog';
import type { SessionStore } from '../../core/ports';
import { TTL_ATTRIBUTE } from './table-schema';

/** Dialog sessions in the request table; DynamoDB's TTL removes them, and reads ignore expired ones. */
export class DynamoDbSessionStore implements SessionStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async load(sessionId: string, now: Date): Promise<DialogSession | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: key(sessionId), ConsistentRead: true }));
    if (!Item || Item[TTL_ATTRIBUTE] * 1000 <= now.getTime()) return undefined;
    return { id: sessionId, updatedAt: Item.updatedAt, state: JSON.parse(Item.state) };
  }

  async save(session: DialogSession, expiresAt: Date): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...key(session.id),
          updatedAt: session.updatedAt,
          state: JSON.stringify(session.state),
          [TTL_ATTRIBUTE]: Math.ceil(expiresAt.getTime() / 1000),
        },
      }),
    );
  }

  async delete(sessionId: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: key(sessionId) }));
  }
}

const key = (id: string) => ({ pk: `SESSION#${id}`, sk: 'SESSION' });
