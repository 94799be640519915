import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { IdempotencyStore } from '../../core/ports/idempotency';
import { isConditionFailed } from './client';
import { TTL_ATTRIBUTE } from './table-schema';

/**
 * Seen-keys in the request table (`SEEN#<key>`): a conditional put wins once; an expired record
 * (the TTL sweep may lag) can be claimed again.
 */
export class DynamoDbIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly clock: { now(): Date },
  ) {}

  async claimOnce(key: string, expiresAt: Date): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: `SEEN#${key}`, sk: 'SEEN', [TTL_ATTRIBUTE]: Math.ceil(expiresAt.getTime() / 1000) },
          ConditionExpression: 'attribute_not_exists(pk) OR #ttl < :now',
          ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: { ':now': Math.floor(this.clock.now().getTime() / 1000) },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  }
}
