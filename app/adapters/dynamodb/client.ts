import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The document client every DynamoDB adapter shares. With no config it follows the SDK's standard
 * settings (AWS_REGION, credentials chain, AWS_ENDPOINT_URL_DYNAMODB).
 */
export function documentClient(config: DynamoDBClientConfig = {}): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient(config), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

export const isConditionFailed = (err: unknown): boolean => (err as { name?: string })?.name === 'ConditionalCheckFailedException';
