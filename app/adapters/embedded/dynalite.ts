import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { createTableInput } from '../dynamodb/table-schema';

/**
 * The embedded default store: dynalite, a DynamoDB-compatible server, runs in this process on a
 * loopback port, persisting under `path` (in memory without one). The application talks to it
 * with the very same DynamoDB adapter and SDK client it uses against AWS.
 */
export interface EmbeddedDynamoDb {
  endpoint: string;
  tableName: string;
  /** SDK client settings for this server (fixed local credentials; nothing leaves the machine). */
  clientConfig: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  close(): Promise<void>;
}

export async function startEmbeddedDynamoDb(opts: { path?: string; tableName?: string } = {}): Promise<EmbeddedDynamoDb> {
  if (opts.path) mkdirSync(opts.path, { recursive: true });
  const server = dynalite({ ...(opts.path ? { path: opts.path } : {}), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientConfig = { endpoint, region: 'local', credentials: { accessKeyId: 'embedded', secretAccessKey: 'embedded' } };
  const tableName = opts.tableName ?? 'vending-requests';
  const client = new DynamoDBClient(clientConfig);
  try {
    await ensureTable(client, tableName);
  } finally {
    client.destroy();
  }
  return {
    endpoint,
    tableName,
    clientConfig,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (err) {
    if ((err as Error).name !== 'ResourceNotFoundException') throw err;
  }
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { TableName: tableName });
}
