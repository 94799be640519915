import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type AttributeValue,
  DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { type Image, indexEntry, indexWrites, itemSize, readUnits, type TableShape, tableWriteUnits, writeUnits } from './rules';

/**
 * The units meter: a loopback HTTP proxy in front of a DynamoDB-compatible server (moto, dynalite)
 * that counts what each call the app makes costs on DynamoDB, by the documented rules
 * (scripts/units/rules.ts). The app is pointed at it with AWS_ENDPOINT_URL_DYNAMODB and does not
 * know it is metered.
 *
 * To count exactly it needs each written item as it was before and after the write: it serves one
 * call at a time and reads the items a call touches, before and after it, with its own client
 * (those reads are the meter's, not counted). Every data call also gets ReturnConsumedCapacity
 * INDEXES, and what the server reported is kept next to the meter's own count.
 */

export interface CallRecord {
  phase: string;
  op: string;
  /** Read request units (rules.ts). */
  rru: number;
  /** Write request units of the base table. */
  wruTable: number;
  /** Write request units per index. */
  wruIndex: Record<string, number>;
  /** The call failed (a condition, a cancelled transaction): it still consumed its units. */
  failed?: string;
  /** The server's own ConsumedCapacity (CapacityUnits summed), for comparison. */
  reported?: number;
  /** What the call is about: the kind of item (its key's prefix) and its update, for the call list. */
  what: string;
  /** The largest item a write touched, before or after, in bytes by DynamoDB's rules (what its units follow). */
  bytes?: number;
}

const DATA_OPS = new Set([
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'BatchWriteItem',
  'TransactWriteItems',
  'TransactGetItems',
]);

// biome-ignore lint/suspicious/noExplicitAny: DynamoDB's JSON wire format, read field by field as the API documents it
type Body = Record<string, any>;

export class UnitsMeter {
  phase = 'setup';
  readonly records: CallRecord[] = [];
  private server?: Server;
  private readonly raw: DynamoDBClient;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly backend: string,
    private readonly shape: TableShape,
  ) {
    this.raw = new DynamoDBClient({
      endpoint: backend,
      region: 'us-east-1',
      credentials: { accessKeyId: 'meter', secretAccessKey: 'meter' },
    });
  }

  /** Listens on 127.0.0.1; returns the endpoint to give the app. */
  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        // One call at a time: the images read around a write are then exactly its own.
        const done = this.queue.then(() => this.handle(req, Buffer.concat(chunks)));
        this.queue = done.catch(() => undefined);
        done.then(
          ({ status, headers, body }) => {
            res.writeHead(status, headers);
            res.end(body);
          },
          (err) => {
            res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
            res.end(JSON.stringify({ __type: 'MeterError', message: String(err?.stack ?? err) }));
          },
        );
      });
    });
    const server = this.server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.raw.destroy();
  }

  private async handle(req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
    const target = String(req.headers['x-amz-target'] ?? '');
    const op = target.split('.').pop() ?? 'unknown';
    if (!DATA_OPS.has(op)) return this.forward(req, body);
    const input = JSON.parse(body.toString('utf8')) as Body;
    const sent = Buffer.from(JSON.stringify({ ...input, ReturnConsumedCapacity: 'INDEXES' }));
    const record: CallRecord = { phase: this.phase, op, rru: 0, wruTable: 0, wruIndex: {}, what: describe(op, input) };

    const writes = this.writesOf(op, input);
    const before = await Promise.all(writes.map((w) => this.image(w.table, w.key)));
    const reads = op === 'Query' ? undefined : await this.readSizes(op, input);

    const response = await this.forward(req, sent);
    const output = parse(response.body);
    const error =
      response.status >= 400
        ? String(output.__type ?? '')
            .split('#')
            .pop()
        : undefined;
    if (error) record.failed = error;
    record.reported = reported(output.ConsumedCapacity);

    if (reads) for (const r of reads) record.rru += r;
    if (op === 'Query' && !error) record.rru = await this.querySize(input);

    if (writes.length) {
      const after = error ? before : await Promise.all(writes.map((w) => this.image(w.table, w.key)));
      const factor = op === 'TransactWriteItems' ? 2 : 1;
      record.bytes = Math.max(...writes.map((w, i) => Math.max(itemSize(before[i]), itemSize(error ? w.put : after[i]))));
      writes.forEach((w, i) => {
        if (error) {
          record.wruTable += factor * writeUnits(Math.max(itemSize(before[i]), itemSize(w.put)));
          return;
        }
        record.wruTable += factor * (w.check ? writeUnits(itemSize(before[i])) : tableWriteUnits(before[i], after[i]));
        if (w.check) return;
        for (const [index, units] of Object.entries(indexWrites(this.shape, before[i], after[i]))) {
          record.wruIndex[index] = (record.wruIndex[index] ?? 0) + units;
        }
      });
    }
    this.records.push(record);
    return response;
  }

  /** The items a write call touches: each with its key, the item as put (Put), whether it is only a check. */
  private writesOf(op: string, input: Body): Array<{ table: string; key: Image; put?: Image; check?: boolean }> {
    const keyOf = (item: Image) => Object.fromEntries(this.shape.keys.map((k) => [k, item[k]]));
    switch (op) {
      case 'PutItem':
        return [{ table: input.TableName, key: keyOf(input.Item), put: input.Item }];
      case 'UpdateItem':
      case 'DeleteItem':
        return [{ table: input.TableName, key: input.Key }];
      case 'BatchWriteItem':
        return Object.entries(input.RequestItems as Record<string, Body[]>).flatMap(([table, list]) =>
          list.map((w) =>
            w.PutRequest ? { table, key: keyOf(w.PutRequest.Item), put: w.PutRequest.Item } : { table, key: w.DeleteRequest.Key },
          ),
        );
      case 'TransactWriteItems':
        return (input.TransactItems as Body[]).map((t) => {
          const [kind, action] = Object.entries(t)[0] as [string, Body];
          return kind === 'Put'
            ? { table: action.TableName, key: keyOf(action.Item), put: action.Item }
            : { table: action.TableName, key: action.Key, check: kind === 'ConditionCheck' };
        });
      default:
        return [];
    }
  }

  /** Read units of the single-item reads of a call (the whole items, whatever it projects). */
  private async readSizes(op: string, input: Body): Promise<number[]> {
    if (op === 'GetItem') return [readUnits(itemSize(await this.image(input.TableName, input.Key)), !!input.ConsistentRead)];
    if (op === 'BatchGetItem') {
      const out: number[] = [];
      for (const [table, req] of Object.entries(input.RequestItems as Record<string, Body>)) {
        for (const key of req.Keys as Image[]) out.push(readUnits(itemSize(await this.image(table, key)), !!req.ConsistentRead));
      }
      return out;
    }
    if (op === 'TransactGetItems') {
      return Promise.all(
        (input.TransactItems as Body[]).map(async (t) => 2 * readUnits(itemSize(await this.image(t.Get.TableName, t.Get.Key)), true)),
      );
    }
    if (op === 'Scan') throw new Error('The meter does not count Scan (the app does not scan)');
    return [];
  }

  /** A Query's read units: the items it read (index entries for an index query), summed, rounded once. */
  private async querySize(input: Body): Promise<number> {
    // The same query, for the keys of the items it read (whatever it projected or returned).
    const { ProjectionExpression: _p, Select: _s, ReturnConsumedCapacity: _r, ...same } = input;
    const { Items = [] } = await this.raw.send(new QueryCommand(same as QueryCommandInput));
    const index = input.IndexName ? this.shape.indexes.find((i) => i.name === input.IndexName) : undefined;
    if (input.IndexName && !index) throw new Error(`Unknown index ${input.IndexName}`);
    let bytes = 0;
    for (const item of Items) {
      const full = await this.image(input.TableName, Object.fromEntries(this.shape.keys.map((k) => [k, item[k]])));
      bytes += itemSize(index ? indexEntry(this.shape, index, full) : full);
    }
    return readUnits(bytes, !index && !!input.ConsistentRead);
  }

  /** An item as it stands, read past the meter (not counted). */
  async image(table: string, key: Record<string, AttributeValue>): Promise<Image | undefined> {
    const { Item } = await this.raw.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }));
    return Item;
  }

  /** Every item of a table, read past the meter (not counted): for checks after a run. */
  async everything(table: string): Promise<Image[]> {
    const out: Image[] = [];
    let start: Image | undefined;
    do {
      const page = await this.raw.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: true }));
      out.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  private forward(req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
    const url = new URL(this.backend);
    const headers = Object.fromEntries(
      Object.entries(req.headers)
        .filter(([k]) => !['host', 'content-length', 'connection'].includes(k))
        .map(([k, v]) => [k, String(v)]),
    );
    return new Promise((resolve, reject) => {
      const out = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: req.url,
          method: req.method,
          headers: { ...headers, host: url.host, 'content-length': String(body.length) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const h = Object.fromEntries(
              Object.entries(res.headers)
                .filter(([k]) => !['connection', 'transfer-encoding', 'content-length'].includes(k))
                .map(([k, v]) => [k, String(v)]),
            );
            const payload = Buffer.concat(chunks);
            resolve({ status: res.statusCode ?? 500, headers: { ...h, 'content-length': String(payload.length) }, body: payload });
          });
          res.on('error', reject);
        },
      );
      out.on('error', reject);
      out.end(body);
    });
  }
}

/** The kind of item a call is about (REQ, SESSION, EMAIL...) and, for an update, its expression (shortened). */
function describe(op: string, input: Body): string {
  const kind = (key: Body | undefined) => String(key?.pk?.S ?? '').split('#')[0] || '?';
  const short = (s: string | undefined) => (s ? ` ${s.replace(/\s+/g, ' ').slice(0, 90)}` : '');
  switch (op) {
    case 'GetItem':
      return `${kind(input.Key)}${input.ProjectionExpression ? ` (${input.ProjectionExpression})` : ''}`;
    case 'PutItem':
      return kind(input.Item);
    case 'UpdateItem':
      return `${kind(input.Key)}${short(input.UpdateExpression)}`;
    case 'DeleteItem':
      return kind(input.Key);
    case 'Query':
      return `${input.IndexName ?? 'table'} ${JSON.stringify((Object.values(input.ExpressionAttributeValues ?? {}) as Body[]).map((v) => v.S ?? v.N)[0])}`;
    case 'BatchGetItem':
      return Object.values(input.RequestItems as Record<string, Body>)
        .flatMap((r) => (r.Keys as Body[]).map(kind))
        .join(',');
    case 'TransactWriteItems':
      return (input.TransactItems as Body[])
        .map((t) => {
          const [k, a] = Object.entries(t)[0] as [string, Body];
          return `${k} ${kind(a.Key ?? a.Item)}`;
        })
        .join(', ');
    default:
      return '';
  }
}

function parse(body: Buffer): Body {
  try {
    return JSON.parse(body.toString('utf8')) as Body;
  } catch {
    return {};
  }
}

function reported(c: unknown): number | undefined {
  if (!c) return undefined;
  const list = Array.isArray(c) ? c : [c];
  return list.reduce((sum: number, x: { CapacityUnits?: number }) => sum + (x?.CapacityUnits ?? 0), 0);
}
