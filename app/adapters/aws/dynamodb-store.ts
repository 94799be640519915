import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { type AccountRequest, type Status, isOpen } from '../../core/account-request';
import { AccountNameTakenError, DuplicateRequestError, NotFoundError, TransitionConflictError } from '../../core/errors';
import type { Effect, RequestStore, Transition } from '../../core/ports';
import { isConditionFailed } from './dynamodb-client';
import { ItemLocks, ProvisioningSlots } from './dynamodb-locks';
import { INDEXES } from './table-schema';

type Item = Record<string, any>;
const INTERNAL = new Set(['pk', 'sk', 'effects', 'effectsRev', ...Object.values(INDEXES).flatMap((i) => [i.pk, i.sk])]);

const requestKey = (id: string) => ({ pk: `REQ#${id}`, sk: 'REQ' });
const emailKey = (email: string) => ({ pk: `EMAIL#${email.toLowerCase()}`, sk: 'LOCK' });
const nameKey = (name: string) => ({ pk: `NAME#${name.toLowerCase()}`, sk: 'LOCK' });
const statusIndex = (status: Status, since: string, id: string) => ({ gsi1pk: `STATUS#${status}`, gsi1sk: `${since}#${id}` });

/** The RequestStore on one DynamoDB table (key design in table-schema.ts). */
export class DynamoDbRequestStore implements RequestStore {
  private readonly locks: ItemLocks;
  private readonly slotTable: ProvisioningSlots;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {
    this.locks = new ItemLocks(db, table);
    this.slotTable = new ProvisioningSlots(db, table, this.locks);
  }

  async create(request: AccountRequest, effects: Effect[]): Promise<void> {
    await this.lockEmail(request.account.email, request.id);
    try {
      await this.lockName(request.account.name, request.id);
    } catch (err) {
      await this.locks.release(emailKey(request.account.email), request.id);
      throw err;
    }
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...request,
          ...requestKey(request.id),
          ...statusIndex(request.status, request.statusSince, request.id),
          gsi2pk: `REQUESTER#${request.requester.email.toLowerCase()}`,
          gsi2sk: `${request.createdAt}#${request.id}`,
          effects: Object.fromEntries(effects.map((e) => [e.id, e])),
          effectsRev: 0,
          ...(effects.length ? { gsi3pk: 'EFFECTS', gsi3sk: minDue(effects) } : {}),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async get(id: string): Promise<AccountRequest | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: requestKey(id), ConsistentRead: true }));
    return Item ? toRequest(Item) : undefined;
  }

  async transition(t: Transition): Promise<AccountRequest> {
    if (isOpen(t.to) && !t.from.some(isOpen)) {
      // Reopening (retry of a failed request) takes the e-mail back first.
      const current = await this.get(t.id);
      if (current) await this.lockEmail(current.account.email, t.id);
    }
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = { ':to': t.to, ':at': t.event.at, ':events': [t.event], ':one': 1 };
    const sets = ['#status = :to', 'updatedAt = :at', 'audit = list_append(audit, :events)'];
    Object.entries(t.patch).forEach(([field, value], i) => {
      names[`#p${i}`] = field;
      values[`:p${i}`] = value;
      sets.push(`#p${i} = :p${i}`);
    });
    if (t.patch.statusSince) {
      Object.assign(values, { ':g1pk': `STATUS#${t.to}`, ':g1sk': `${t.patch.statusSince}#${t.id}` });
      sets.push('gsi1pk = :g1pk', 'gsi1sk = :g1sk');
    } else {
      values[':g1pk'] = `STATUS#${t.to}`;
      sets.push('gsi1pk = :g1pk');
    }
    t.effects.forEach((e, i) => {
      names[`#e${i}`] = e.id;
      values[`:e${i}`] = e;
      sets.push(`effects.#e${i} = :e${i}`);
    });
    if (t.effects.length) {
      Object.assign(values, { ':eff': 'EFFECTS', ':due': minDue(t.effects) });
      sets.push('gsi3pk = :eff', 'gsi3sk = :due');
    }
    const from = t.from.map((s, i) => {
      values[`:f${i}`] = s;
      return `:f${i}`;
    });
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: requestKey(t.id),
          UpdateExpression: `SET ${sets.join(', ')} ADD effectsRev :one`,
          ConditionExpression: `attribute_exists(pk) AND #status IN (${from.join(', ')})`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      const updated = toRequest(Attributes!);
      if (!isOpen(t.to) && t.from.some(isOpen)) await this.locks.release(emailKey(updated.account.email), t.id);
      return updated;
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
      const current = await this.get(t.id);
      if (!current) throw new NotFoundError(`No request with id ${t.id}`);
      throw new TransitionConflictError(current, t.from);
    }
  }

  async listByStatus(status: Status, limit = 100): Promise<AccountRequest[]> {
    return this.query('byStatus', `STATUS#${status}`, true, limit);
  }

  async listByRequester(requesterEmail: string, limit = 20): Promise<AccountRequest[]> {
    return this.query('byRequester', `REQUESTER#${requesterEmail.toLowerCase()}`, false, limit);
  }

  async findByAccountName(name: string): Promise<AccountRequest | undefined> {
    const holder = await this.locks.holder(nameKey(name));
    return holder ? this.get(holder) : undefined;
  }

  async effectsOf(requestId: string): Promise<Effect[]> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: requestKey(requestId), ProjectionExpression: 'effects', ConsistentRead: true }),
    );
    return Object.values((Item?.effects ?? {}) as Record<string, Effect>).sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  }

  async dueEffects(now: Date, limit = 100): Promise<Array<{ requestId: string; effects: Effect[] }>> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'effectsDue',
        KeyConditionExpression: 'gsi3pk = :eff AND gsi3sk <= :now',
        ExpressionAttributeValues: { ':eff': 'EFFECTS', ':now': now.toISOString() },
        Limit: limit,
      }),
    );
    return Items.map((i) => ({ requestId: i.id, effects: Object.values(i.effects ?? {}) as Effect[] }));
  }

  async claimEffect(requestId: string, effectId: string, now: Date, leaseMs: number): Promise<AccountRequest | undefined> {
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: requestKey(requestId),
          UpdateExpression: 'SET effects.#e.claimedUntil = :until',
          ConditionExpression: 'attribute_exists(effects.#e) AND (attribute_not_exists(effects.#e.claimedUntil) OR effects.#e.claimedUntil < :now)',
          ExpressionAttributeNames: { '#e': effectId },
          ExpressionAttributeValues: { ':until': new Date(now.getTime() + leaseMs).toISOString(), ':now': now.toISOString() },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toRequest(Attributes!);
    } catch (err) {
      if (isConditionFailed(err)) return undefined;
      throw err;
    }
  }

  async settleEffect(requestId: string, effectId: string, retry?: Pick<Effect, 'attempts' | 'dueAt' | 'lastError'>): Promise<void> {
    const names = { '#e': effectId };
    const { Attributes } = await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: requestKey(requestId),
        ...(retry
          ? {
              UpdateExpression: 'SET effects.#e.attempts = :attempts, effects.#e.dueAt = :due, effects.#e.lastError = :err REMOVE effects.#e.claimedUntil ADD effectsRev :one',
              ExpressionAttributeValues: { ':attempts': retry.attempts, ':due': retry.dueAt, ':err': retry.lastError ?? '', ':one': 1 },
            }
          : { UpdateExpression: 'REMOVE effects.#e ADD effectsRev :one', ExpressionAttributeValues: { ':one': 1 } }),
        ConditionExpression: 'attribute_exists(effects.#e)',
        ExpressionAttributeNames: names,
        ReturnValues: 'ALL_NEW',
      }),
    );
    // Keep the sparse effectsDue index pointing at the earliest remaining effect, unless a concurrent
    // write changed the effects since (it then set the index itself). While effects remain and none
    // was postponed, the marker is already early enough: the sweep only looks at what is due.
    const remaining = Object.values((Attributes?.effects ?? {}) as Record<string, Effect>);
    if (remaining.length > 0 && !retry) return;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: requestKey(requestId),
          ...(remaining.length
            ? { UpdateExpression: 'SET gsi3pk = :eff, gsi3sk = :due', ExpressionAttributeValues: { ':eff': 'EFFECTS', ':due': minDue(remaining), ':rev': Attributes!.effectsRev } }
            : { UpdateExpression: 'REMOVE gsi3pk, gsi3sk', ExpressionAttributeValues: { ':rev': Attributes!.effectsRev } }),
          ConditionExpression: 'effectsRev = :rev',
        }),
      );
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
    }
  }

  async setApprovalMessage(requestId: string, ref: { channel: string; ts: string }): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: requestKey(requestId),
        UpdateExpression: 'SET approvalMessage = :ref',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':ref': ref },
      }),
    );
  }

  claimSlot(requestId: string, max: number, now: Date): Promise<boolean> {
    return this.slotTable.claim(requestId, max, now);
  }

  releaseSlot(requestId: string): Promise<void> {
    return this.slotTable.release(requestId);
  }

  slotHolders(): Promise<Array<{ requestId: string; since: string }>> {
    return this.slotTable.holders();
  }

  private async query(index: keyof typeof INDEXES, pk: string, ascending: boolean, limit: number): Promise<AccountRequest[]> {
    const out: AccountRequest[] = [];
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
          Limit: limit - out.length,
          ExclusiveStartKey: start,
        }),
      );
      out.push(...(page.Items ?? []).map(toRequest));
      start = page.LastEvaluatedKey;
    } while (start && out.length < limit);
    return out;
  }

  /** Holds the account e-mail for this request; a lock whose holder is closed or gone is taken over. */
  private async lockEmail(email: string, requestId: string): Promise<void> {
    await this.locks.take(emailKey(email), requestId, async (holder) => {
      const existing = await this.get(holder);
      if (existing && isOpen(existing.status)) throw new DuplicateRequestError(existing.id, email);
    });
  }

  /** Names stay unique for good; a lock whose request was never written is taken over. */
  private async lockName(name: string, requestId: string): Promise<void> {
    await this.locks.take(nameKey(name), requestId, async (holder) => {
      if (await this.get(holder)) throw new AccountNameTakenError(name, holder);
    });
  }
}

function toRequest(item: Item): AccountRequest {
  return Object.fromEntries(Object.entries(item).filter(([k]) => !INTERNAL.has(k))) as AccountRequest;
}

const minDue = (effects: Array<Pick<Effect, 'dueAt'>>): string => effects.map((e) => e.dueAt).sort()[0];
