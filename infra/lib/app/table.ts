import type { CreateTableCommandInput, KeySchemaElement } from '@aws-sdk/client-dynamodb';
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { createTableInput, TTL_ATTRIBUTE } from '../../../app/adapters/dynamodb/table-schema';

/**
 * The DynamoDB table, declared from the same key design the app writes and the embedded server
 * creates (app/adapters/dynamodb/table-schema.ts): keys, indexes and projections come from
 * createTableInput, so there is one place for them.
 */

export interface RequestTableProps {
  /** Prod: deletion protection on, and the table is kept if the stack goes. */
  retain: boolean;
}

const attributeType = (input: CreateTableCommandInput, name: string): dynamodb.AttributeType => {
  const type = input.AttributeDefinitions?.find((a) => a.AttributeName === name)?.AttributeType;
  switch (type) {
    case 'S':
      return dynamodb.AttributeType.STRING;
    case 'N':
      return dynamodb.AttributeType.NUMBER;
    case 'B':
      return dynamodb.AttributeType.BINARY;
    default:
      throw new Error(`The table schema does not define the key attribute ${name}`);
  }
};

function keys(input: CreateTableCommandInput, schema: KeySchemaElement[] | undefined) {
  const key = (kind: 'HASH' | 'RANGE') => {
    const name = schema?.find((k) => k.KeyType === kind)?.AttributeName;
    return name ? { name, type: attributeType(input, name) } : undefined;
  };
  const partitionKey = key('HASH');
  if (!partitionKey) throw new Error('The table schema has a key without a partition (HASH) key');
  const sortKey = key('RANGE');
  return { partitionKey, ...(sortKey ? { sortKey } : {}) };
}

const PROJECTIONS: Record<string, dynamodb.ProjectionType> = {
  ALL: dynamodb.ProjectionType.ALL,
  KEYS_ONLY: dynamodb.ProjectionType.KEYS_ONLY,
  INCLUDE: dynamodb.ProjectionType.INCLUDE,
};

export function createRequestTable(scope: Construct, id: string, props: RequestTableProps): dynamodb.Table {
  // The name is CloudFormation's; the app gets it as TABLE_NAME.
  const input = createTableInput('unused');
  if (input.BillingMode !== 'PAY_PER_REQUEST') throw new Error('The table schema must be on-demand (PAY_PER_REQUEST)');
  const table = new dynamodb.Table(scope, id, {
    ...keys(input, input.KeySchema),
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    // Dialog sessions and seen Slack event ids expire through it.
    timeToLiveAttribute: TTL_ATTRIBUTE,
    // Side effects follow committed transitions: the stream carries them to the stream function.
    stream: dynamodb.StreamViewType.NEW_IMAGE,
    deletionProtection: props.retain,
    removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
  });
  for (const gsi of input.GlobalSecondaryIndexes ?? []) {
    if (!gsi.IndexName) throw new Error('The table schema has a global secondary index without a name');
    const projection = gsi.Projection?.ProjectionType ?? 'ALL';
    table.addGlobalSecondaryIndex({
      indexName: gsi.IndexName,
      ...keys(input, gsi.KeySchema),
      projectionType: PROJECTIONS[projection],
      ...(projection === 'INCLUDE' ? { nonKeyAttributes: gsi.Projection?.NonKeyAttributes ?? [] } : {}),
    });
  }
  return table;
}
