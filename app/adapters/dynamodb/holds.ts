import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { type AccountRequest, isOpen } from '../../core/request/account-request';
import { AccountNameTakenError, DuplicateConfirmationError, DuplicateRequestError } from '../../core/errors';
import type { CreateOptions, Effect, Transition } from '../../core/ports/ports';
import { isConditionFailed } from './client';
import { confirmationKey, emailKey, type Item, type Key, nameKey, requestKey, toRequest } from './items';

/**
 * What a request holds while it lives: its account e-mail (while open), its account name (for
 * good) and the confirmation that created it (for good). Each hold is one lock item naming the
 * holder's request id. Two protocols take them (dynamodb-holds-fenced.ts for servers without
 * transactions, dynamodb-holds-transactional.ts for DynamoDB); both give the same guarantee:
 * whatever the concurrency, one request per open e-mail, per name and per confirmation.
 */
export interface HoldProtocol {
  create(request: AccountRequest, effects: Effect[], opts: CreateOptions): Promise<void>;
  /** A transition from a closed state into an open one (retry): takes the e-mail back first. */
  reopen(t: Transition, current: AccountRequest): Promise<void>;
}

export type HoldKind = 'email' | 'name' | 'confirmation';

export interface Hold {
  kind: HoldKind;
  key: Key;
}

/** The holds a new request takes, in the order they are taken. */
export function holdsOf(request: AccountRequest, opts: CreateOptions): Hold[] {
  return [
    { kind: 'email', key: emailKey(request.account.email) },
    { kind: 'name', key: nameKey(request.account.name) },
    ...(opts.confirmationKey ? [{ kind: 'confirmation' as const, key: confirmationKey(opts.confirmationKey) }] : []),
  ];
}

/**
 * The refusal when `holder` keeps the hold, or undefined when the hold may be taken over: an
 * e-mail is free again once its holder closed; a name and a confirmation only if the holder
 * never came to exist.
 */
export function refusal(hold: Hold, request: AccountRequest, holder: AccountRequest | undefined): Error | undefined {
  if (!holder) return undefined;
  if (hold.kind === 'email') return isOpen(holder.status) ? new DuplicateRequestError(holder.id, request.account.email) : undefined;
  if (hold.kind === 'name') return new AccountNameTakenError(request.account.name, holder.id);
  return new DuplicateConfirmationError(holder.id);
}

/** Lock items: one per held thing, naming the holder. */
export class LockItems {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Writes the lock for `requestId` if it is free (or still held by `expectedHolder`); false when someone else has it. */
  async put(key: Key, requestId: string, expectedHolder?: string, attributes: Record<string, unknown> = {}): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...attributes, ...key, requestId },
          ConditionExpression: expectedHolder ? 'requestId = :holder' : 'attribute_not_exists(pk)',
          ...(expectedHolder ? { ExpressionAttributeValues: { ':holder': expectedHolder } } : {}),
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  }

  async holder(key: Key): Promise<string | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }));
    return Item?.requestId;
  }

  /** Releases `key` if `requestId` still holds it. */
  async release(key: Key, requestId: string): Promise<void> {
    try {
      await this.db.send(new DeleteCommand({ TableName: this.table, Key: key, ConditionExpression: 'requestId = :id', ExpressionAttributeValues: { ':id': requestId } }));
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
    }
  }

  /** The raw request item (drafts included): what a contender looks at to decide. */
  async requestItem(id: string): Promise<Item | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: requestKey(id), ConsistentRead: true }));
    return Item;
  }
}

/** The holder as a contender sees it: undefined when it does not exist (or is only a draft). */
export const holderRequest = (item: Item | undefined): AccountRequest | undefined => (item && !item.draft ? toRequest(item) : undefined);

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
