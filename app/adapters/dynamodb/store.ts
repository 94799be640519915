import { BatchGetCommand, type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { NotFoundError } from '../../core/errors';
import type { Effect } from '../../core/ports/effects';
import type { CreateOptions, RequestStore, Transition } from '../../core/ports/requests';
import { type AccountRequest, isOpen, type Status } from '../../core/request/account-request';
import { holdsMoving } from '../../core/request/holds';
import { isConditionFailed } from './client';
import { type HoldProtocol, LockItems, sleep } from './holds';
import { FencedHolds } from './holds-fenced';
import { TransactionalHolds } from './holds-transactional';
import { holdKey, type Item, isVisible, noteEffectsRev, requestKey, toRequest, writtenItem } from './items';
import { INDEXES } from './table-schema';
import { conflictOf, transitionUpdate } from './transition';

export interface DynamoDbStoreOptions {
  /**
   * Take e-mail, name and confirmation locks with DynamoDB transactions (true: DynamoDB, moto) or
   * with fenced single-item writes (false: servers without TransactWriteItems, such as dynalite).
   * Both keep every guarantee; transactions need fewer round trips and leave no stale lock.
   * 'auto' (the default) uses transactions unless the endpoint does not know TransactWriteItems.
   */
  transactions?: boolean | 'auto';
  /** Told once when 'auto' finds no transactions at the endpoint. */
  onFallback?: (reason: string) => void;
}

/** The RequestStore on one DynamoDB table (key design in table-schema.ts). */
export class DynamoDbRequestStore implements RequestStore {
  private readonly locks: LockItems;
  private readonly holds: HoldProtocol;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    opts: DynamoDbStoreOptions = {},
  ) {
    this.locks = new LockItems(db, table);
    const fenced = () => new FencedHolds(db, table, this.locks);
    const transactional = () => new TransactionalHolds(db, table, this.locks);
    this.holds =
      opts.transactions === false
        ? fenced()
        : opts.transactions === true
          ? transactional()
          : new FirstThatWorks(transactional(), fenced, opts.onFallback);
  }

  create(request: AccountRequest, effects: Effect[], opts: CreateOptions = {}): Promise<void> {
    return this.holds.create(request, effects, opts);
  }

  async get(id: string): Promise<AccountRequest | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: requestKey(id), ConsistentRead: true }));
    return isVisible(Item) ? toRequest(Item) : undefined;
  }

  async transition(t: Transition): Promise<AccountRequest> {
    if (isOpen(t.to) && !t.from.some(isOpen)) {
      const current = await this.get(t.id);
      if (!current) throw conflictOf(t, undefined);
      await this.holds.reopen(t, current);
      const reopened = await this.get(t.id);
      if (!reopened) throw new Error(`Request ${t.id} is gone right after it was reopened`);
      return reopened;
    }
    let updated: AccountRequest;
    try {
      const { Attributes } = await this.db.send(new UpdateCommand({ ...transitionUpdate(t, this.table), ReturnValues: 'ALL_NEW' }));
      const item = writtenItem(Attributes, requestKey(t.id));
      noteEffectsRev(this.db, this.table, item);
      updated = toRequest(item);
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
      throw conflictOf(t, await this.get(t.id));
    }
    // Closing frees the e-mail. A crash before this line leaves a lock held by a closed request,
    // which the next request for that e-mail takes over (see the hold protocols).
    for (const hold of holdsMoving(updated, t.from, t.to).release) await this.locks.release(holdKey(hold), t.id);
    return updated;
  }

  listByStatus(status: Status, limit = 100): Promise<AccountRequest[]> {
    return this.query('byStatus', `STATUS#${status}`, true, limit, status);
  }

  listByRequester(requesterEmail: string, limit = 20): Promise<AccountRequest[]> {
    return this.query('byRequester', `REQUESTER#${requesterEmail.toLowerCase()}`, false, limit);
  }

  listByAccount(accountId: string, limit = 50): Promise<AccountRequest[]> {
    return this.query('byAccount', `ACCOUNT#${accountId}`, false, limit);
  }

  async findByAccountName(name: string): Promise<AccountRequest | undefined> {
    const holder = await this.locks.holder(holdKey({ kind: 'account-name', value: name }));
    return holder ? this.get(holder) : undefined;
  }

  /** Not a lifecycle change: no version bump. The map exists from the first write, except on items of earlier releases. */
  async annotate(requestId: string, key: string, value: string): Promise<void> {
    const update = (expression: string, condition: string, values: Record<string, unknown>) =>
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: requestKey(requestId),
          UpdateExpression: expression,
          ConditionExpression: condition,
          ExpressionAttributeValues: values,
          ...(expression.includes('#k') ? { ExpressionAttributeNames: { '#k': key } } : {}),
        }),
      );
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        return void (await update('SET annotations.#k = :v', 'attribute_exists(annotations)', { ':v': value }));
      } catch (err) {
        if (!isConditionFailed(err)) throw err;
      }
      try {
        return void (await update('SET annotations = :map', 'attribute_exists(pk) AND attribute_not_exists(annotations)', {
          ':map': { [key]: value },
        }));
      } catch (err) {
        if (!isConditionFailed(err)) throw err;
      }
    }
    throw new NotFoundError(`No request with id ${requestId}`);
  }

  /**
   * The indexes project keys only: the keys found, in index order, then their items (one
   * consistent BatchGetItem per 100). An item that changed since its index entry was read is
   * given as it stands; by status, only if it is still in that status.
   */
  private async query(
    index: keyof typeof INDEXES,
    pk: string,
    ascending: boolean,
    limit: number,
    status?: Status,
  ): Promise<AccountRequest[]> {
    const keys: Item[] = [];
    let start: Item | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: index,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': INDEXES[index].pk },
          ExpressionAttributeValues: { ':pk': pk },
          ScanIndexForward: ascending,
          Limit: limit - keys.length,
          ExclusiveStartKey: start,
        }),
      );
      keys.push(...(page.Items ?? []).map((i) => ({ pk: i.pk, sk: i.sk })));
      start = page.LastEvaluatedKey;
    } while (start && keys.length < limit);
    const items = new Map<string, Item>();
    for (let i = 0; i < keys.length; i += 100) {
      let wanted: Item[] | undefined = keys.slice(i, i + 100);
      for (let attempt = 0; wanted?.length; attempt++) {
        if (attempt > 0) await sleep(Math.min(1_000, 20 * 2 ** attempt));
        if (attempt > 8) throw new Error(`DynamoDB left ${wanted.length} items of ${this.table} unread`);
        const { Responses, UnprocessedKeys } = await this.db.send(
          new BatchGetCommand({ RequestItems: { [this.table]: { Keys: wanted, ConsistentRead: true } } }),
        );
        for (const item of Responses?.[this.table] ?? []) items.set(String(item.pk), item);
        wanted = UnprocessedKeys?.[this.table]?.Keys as Item[] | undefined;
      }
    }
    return keys
      .map((k) => items.get(String(k.pk)))
      .filter(isVisible)
      .filter((item) => status === undefined || item.status === status)
      .map(toRequest);
  }
}

/** Transactions where the endpoint has them; the fenced protocol, for good, once it turns out not to. */
class FirstThatWorks implements HoldProtocol {
  constructor(
    private current: HoldProtocol,
    private readonly fallback: () => HoldProtocol,
    private readonly onFallback?: (reason: string) => void,
  ) {}

  create(request: AccountRequest, effects: Effect[], opts: CreateOptions): Promise<void> {
    return this.attempt((h) => h.create(request, effects, opts));
  }

  reopen(t: Transition, current: AccountRequest): Promise<void> {
    return this.attempt((h) => h.reopen(t, current));
  }

  private async attempt(call: (h: HoldProtocol) => Promise<void>): Promise<void> {
    const used = this.current;
    try {
      return await call(used);
    } catch (err) {
      // dynalite answers an operation it does not implement with UnknownOperationException; nothing was written.
      if ((err as { name?: string })?.name !== 'UnknownOperationException' || !(used instanceof TransactionalHolds)) throw err;
      // Concurrent first calls all learn it: the first switches, the others follow it.
      if (this.current === used) {
        this.current = this.fallback();
        this.onFallback?.('the DynamoDB endpoint has no TransactWriteItems; holds use fenced single-item writes');
      }
      return call(this.current);
    }
  }
}
