import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { SessionConflictError } from '../../core/errors';
import type { DialogSession, SessionStore } from '../../core/ports/sessions';
import { isConditionFailed } from './client';
import { TTL_ATTRIBUTE } from './table-schema';

/**
 * Dialog sessions in the request table; DynamoDB's TTL removes them, and reads ignore expired
 * ones. Each save is a compare-and-set on the session's version, so two turns of one
 * conversation never both build on the same state.
 */
export class DynamoDbSessionStore implements SessionStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async load(sessionId: string, now: Date): Promise<DialogSession | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: key(sessionId), ConsistentRead: true }));
    if (!Item || Item[TTL_ATTRIBUTE] * 1000 <= now.getTime()) return undefined;
    return { id: sessionId, updatedAt: Item.updatedAt, state: JSON.parse(Item.state), version: Item.version ?? 1 }; // sessions of an earlier release had no version
  }

  async save(session: DialogSession, expiresAt: Date, now: Date): Promise<void> {
    const values = { ':v': session.version, ':now': Math.floor(now.getTime() / 1000) };
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...key(session.id),
            updatedAt: session.updatedAt,
            state: JSON.stringify(session.state),
            version: session.version + 1,
            [TTL_ATTRIBUTE]: Math.ceil(expiresAt.getTime() / 1000),
          },
          // A first save finds nothing, or only an expired session the TTL sweep has not removed yet.
          ConditionExpression:
            session.version === 0
              ? 'attribute_not_exists(pk) OR #ttl <= :now'
              : '(version = :v OR attribute_not_exists(version)) AND #ttl > :now',
          ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: session.version === 0 ? { ':now': values[':now'] } : values,
        }),
      );
    } catch (err) {
      if (isConditionFailed(err)) throw new SessionConflictError(`Conversation ${session.id} changed meanwhile`);
      throw err;
    }
  }

  async delete(sessionId: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: key(sessionId) }));
  }
}

const key = (id: string) => ({ pk: `SESSION#${id}`, sk: 'SESSION' });
