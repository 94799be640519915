import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { SessionConflictError } from '../../core/errors';
import { type DialogSession, facetOf, type SessionStore } from '../../core/ports/sessions';
import { isConditionFailed } from './client';
import type { Item } from './items';
import { TTL_ATTRIBUTE } from './table-schema';

/** How long the dialog's session, read with a facet's, stands for the dialog's next read (the same turn). */
const SAME_TURN_MS = 1_000;
const REMEMBERED = 500;

/**
 * Dialog sessions in the request table; DynamoDB's TTL removes them, and reads ignore expired
 * ones. Each save is a compare-and-set on the session's version, so two turns of one
 * conversation never both build on the same state.
 *
 * A conversation's sessions share its partition (SESSION#<conversation>: the dialog's under
 * SESSION, a product talk under SESSION#product). A turn reads the product talk first, in one
 * query that returns the dialog's session too; that copy is kept for the dialog's read of the
 * same turn, once. It is as good as a read made a moment earlier: the dialog's save is a
 * compare-and-set, so a copy overtaken by another turn costs that turn a conflict, never a lost update.
 */
export class DynamoDbSessionStore implements SessionStore {
  private readonly readWithFacet = new Map<string, { item?: Item; at: number }>();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async load(sessionId: string, now: Date): Promise<DialogSession | undefined> {
    const item = facetOf(sessionId).facet ? await this.loadFacet(sessionId) : await this.loadDialog(sessionId);
    if (!item || item[TTL_ATTRIBUTE] * 1000 <= now.getTime()) return undefined;
    return { id: sessionId, updatedAt: item.updatedAt, state: JSON.parse(item.state), version: item.version ?? 1 }; // sessions of an earlier release had no version
  }

  async save(session: DialogSession, expiresAt: Date, now: Date): Promise<void> {
    this.readWithFacet.delete(session.id);
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
    this.readWithFacet.delete(sessionId);
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: key(sessionId) }));
  }

  private async loadDialog(sessionId: string): Promise<Item | undefined> {
    const kept = this.readWithFacet.get(sessionId);
    this.readWithFacet.delete(sessionId);
    if (kept && Date.now() - kept.at < SAME_TURN_MS) return kept.item;
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: key(sessionId), ConsistentRead: true }));
    return Item;
  }

  private async loadFacet(id: string): Promise<Item | undefined> {
    const { sessionId } = facetOf(id);
    const { pk, sk } = key(id);
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ConsistentRead: true,
      }),
    );
    this.readWithFacet.set(sessionId, { item: Items.find((i) => i.sk === DIALOG_SK), at: Date.now() });
    if (this.readWithFacet.size > REMEMBERED) this.readWithFacet.delete(this.readWithFacet.keys().next().value as string);
    return Items.find((i) => i.sk === sk);
  }
}

const DIALOG_SK = 'SESSION';
/** The dialog's session, or a facet of the same conversation beside it. */
function key(id: string): { pk: string; sk: string } {
  const { facet, sessionId } = facetOf(id);
  return { pk: `SESSION#${sessionId}`, sk: facet ? `${DIALOG_SK}#${facet}` : DIALOG_SK };
}
