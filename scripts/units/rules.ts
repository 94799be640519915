import type { AttributeValue, CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * DynamoDB's documented capacity rules, as the units meter applies them to the item images it
 * sees before and after each write (scripts/units/meter.ts). Why not the servers' own figures:
 * dynalite returns ConsumedCapacity for the base table only (never for an index: its
 * addConsumedCapacity has no index term, and it has no transactions), and moto returns a constant
 * (1 per write, 0.5 per read, 2 per transaction item) whatever the item's size or indexes. The
 * meter records what the server reported next to its own count, so the difference shows.
 *
 * Sources: Amazon DynamoDB Developer Guide, "DynamoDB read and write operations"
 * (read-write-operations.html), "Item sizes and formats" (CapacityUnitCalculations.html), "Global
 * secondary indexes: provisioned throughput considerations" (GSI.html#GSI.ThroughputConsiderations),
 * "Capacity management for transactions" (transaction-apis.html#transaction-capacity-handling).
 *
 * Item size (bytes): per attribute, the UTF-8 length of its name plus the size of its value:
 *   S: UTF-8 bytes; B: bytes; N: 1 byte per two significant digits, plus 1; BOOL, NULL: 1;
 *   SS/NS/BS: the sum of their elements; L, M: 3 bytes, plus 1 byte and the size of each element
 *   (and for M each element's name).
 *
 * Writes (write request units, WRU):
 *   - Table: PutItem, UpdateItem, DeleteItem: the larger of the item before and after the write,
 *     rounded up to 1 KB (at least 1). A write whose condition fails consumes the same (the larger
 *     of the existing item and the item as requested; for an update, the existing one).
 *   - Each global secondary index: the item is in an index when it has the index's key attributes.
 *     Its index entry is the table key, the index key and the projected attributes (ALL: every
 *     attribute; KEYS_ONLY: none more; INCLUDE: the named ones). Per index and write:
 *       not in it before, in it after: 1 write (put)    in it before, not after: 1 write (delete)
 *       in it before and after, index key changed: 2 writes (delete the old entry, put the new one)
 *       in it before and after, same key, a projected attribute changed: 1 write
 *       nothing projected changed: 0
 *     each write the size of its entry rounded up to 1 KB (at least 1). A failed write writes no index.
 *   - TransactWriteItems: 2 units per 1 KB for each action (Put, Update, Delete, ConditionCheck:
 *     prepare and commit); the index writes the committed items cause count once, as above (an index
 *     is maintained from the committed item, not in the two-phase protocol). A cancelled
 *     transaction is counted as its actions' 2 units each, with no index writes.
 *   - BatchWriteItem: each item as its PutItem or DeleteItem.
 *
 * Reads (read request units, RRU):
 *   - GetItem: the whole item's size (a ProjectionExpression does not reduce it) rounded up to 4 KB,
 *     at least 1 (an item that is not there costs that minimum); strongly consistent 1 per 4 KB,
 *     eventually consistent 0.5.
 *   - Query: the sum of the sizes of the items read (for an index, their index entries), rounded up
 *     to 4 KB once per call, at least 1; strongly consistent 1, eventually consistent (every index
 *     query) 0.5.
 *   - BatchGetItem: each item as its GetItem (rounded per item).
 *   - TransactGetItems: 2 units per 4 KB per item.
 */

export type Image = Record<string, AttributeValue>;

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

/** The size of a number as DynamoDB stores it: 1 byte per two significant digits, plus 1. */
function numberSize(n: string): number {
  const digits = n.replace(/^-/, '').replace(/e.*$/i, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
}

export function valueSize(v: AttributeValue): number {
  if (v.S !== undefined) return utf8(v.S);
  if (v.N !== undefined) return numberSize(v.N);
  if (v.B !== undefined) return (v.B as Uint8Array).length ?? utf8(String(v.B));
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
  if (v.SS) return v.SS.reduce((sum, s) => sum + utf8(s), 0);
  if (v.NS) return v.NS.reduce((sum, n) => sum + numberSize(n), 0);
  if (v.BS) return v.BS.reduce((sum, b) => sum + (b as Uint8Array).length, 0);
  if (v.L) return 3 + v.L.reduce((sum, e) => sum + 1 + valueSize(e), 0);
  if (v.M) return 3 + Object.entries(v.M).reduce((sum, [k, e]) => sum + 1 + utf8(k) + valueSize(e), 0);
  throw new Error(`Unknown attribute value ${JSON.stringify(v)}`);
}

export function itemSize(item: Image | undefined): number {
  if (!item) return 0;
  return Object.entries(item).reduce((sum, [name, v]) => sum + utf8(name) + valueSize(v), 0);
}

export const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));
export const readUnits = (bytes: number, consistent: boolean) => Math.max(1, Math.ceil(bytes / 4096)) * (consistent ? 1 : 0.5);

/** A global secondary index as the meter needs it: its key and what it projects. */
export interface IndexShape {
  name: string;
  keys: string[];
  /** undefined: ALL; otherwise the non-key attributes projected (KEYS_ONLY: []). */
  include?: string[];
}

export interface TableShape {
  keys: string[];
  indexes: IndexShape[];
}

export function tableShape(input: CreateTableCommandInput): TableShape {
  return {
    keys: (input.KeySchema ?? []).map((k) => k.AttributeName as string),
    indexes: (input.GlobalSecondaryIndexes ?? []).map((g) => ({
      name: g.IndexName as string,
      keys: (g.KeySchema ?? []).map((k) => k.AttributeName as string),
      include:
        g.Projection?.ProjectionType === 'KEYS_ONLY'
          ? []
          : g.Projection?.ProjectionType === 'INCLUDE'
            ? (g.Projection.NonKeyAttributes ?? [])
            : undefined,
    })),
  };
}

/** The index entry of `item` in `index`, or undefined when the item is not in that index. */
export function indexEntry(table: TableShape, index: IndexShape, item: Image | undefined): Image | undefined {
  if (!item || index.keys.some((k) => item[k] === undefined)) return undefined;
  if (!index.include) return item;
  const names = new Set([...table.keys, ...index.keys, ...index.include]);
  return Object.fromEntries(Object.entries(item).filter(([k]) => names.has(k)));
}

const same = (a: AttributeValue | undefined, b: AttributeValue | undefined) => JSON.stringify(canon(a)) === JSON.stringify(canon(b));
function canon(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canon);
  if (v && typeof v === 'object' && !(v instanceof Uint8Array)) {
    return Object.fromEntries(
      Object.entries(v)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, e]) => [k, canon(e)]),
    );
  }
  return v;
}
const sameImage = (a: Image, b: Image) => same({ M: a }, { M: b });

/** The index writes one committed item change causes, per index (units). */
export function indexWrites(table: TableShape, before: Image | undefined, after: Image | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const index of table.indexes) {
    const was = indexEntry(table, index, before);
    const is = indexEntry(table, index, after);
    let units = 0;
    if (!was && is) units = writeUnits(itemSize(is));
    else if (was && !is) units = writeUnits(itemSize(was));
    else if (was && is) {
      const keyChanged = index.keys.some((k) => !same(was[k], is[k]));
      if (keyChanged) units = writeUnits(itemSize(was)) + writeUnits(itemSize(is));
      else if (!sameImage(was, is)) units = writeUnits(itemSize(is));
    }
    if (units) out[index.name] = units;
  }
  return out;
}

/** The table's units for one item write: the larger image, rounded up to 1 KB. */
export const tableWriteUnits = (before: Image | undefined, after: Image | undefined) =>
  writeUnits(Math.max(itemSize(before), itemSize(after)));
