import type { NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import { nextDue } from '../../core/effects/dispatcher';
import type { Effect } from '../../core/ports/effects';
import type { AccountRequest, Actor, Status } from '../../core/request/account-request';
import type { Hold, HoldKind } from '../../core/request/holds';
import { INDEXES } from './table-schema';

/** How the domain's records become items of the one table (key design in table-schema.ts). */

/** An item as the Document Client reads and writes it. */
export type Item = Record<string, NativeAttributeValue>;
export type Key = { pk: string; sk: string };

/** Attributes of a request item that are bookkeeping, not the request. */
const INTERNAL = new Set([
  'pk',
  'sk',
  'effects',
  'effectsRev',
  'acquiring',
  'draft',
  'fence',
  ...Object.values(INDEXES).flatMap((i) => [i.pk, i.sk]),
]);

export const requestKey = (id: string): Key => ({ pk: `REQ#${id}`, sk: 'REQ' });
const LOCK_PREFIX: Record<HoldKind, string> = {
  'account-email': 'EMAIL',
  'account-name': 'NAME',
  confirmation: 'CONFIRM',
  'provisioned-product': 'PRODUCT',
};
/** The lock item of a hold (EMAIL#, NAME#, CONFIRM#). */
export const holdKey = (hold: Pick<Hold, 'kind' | 'value'>): Key => ({
  pk: `${LOCK_PREFIX[hold.kind]}#${hold.value.toLowerCase()}`,
  sk: 'LOCK',
});
/** The state of one effect of a request (claimed, rescheduled, done): beside the request item, in its partition. */
export const effectStateKey = (requestId: string, effectId: string): Key => ({ pk: `REQ#${requestId}`, sk: `FX#${effectId}` });
export const isEffectState = (item: { sk?: string }): boolean => (item.sk ?? '').startsWith('FX#');
/**
 * The latest effectsRev this process wrote or read per request (per client and table): a request
 * store's transition tells the effect store, which then leaves finishing the request's effects to
 * the dispatch round of that newer transition instead of a write that would fail its condition.
 */
const revisions = new WeakMap<object, Map<string, number>>();
export function effectsRevisions(db: object): Map<string, number> {
  let map = revisions.get(db);
  if (!map) {
    map = new Map();
    revisions.set(db, map);
  }
  return map;
}
export function noteEffectsRev(db: object, table: string, item: Item): void {
  if (typeof item.effectsRev !== 'number' || typeof item.pk !== 'string') return;
  const map = effectsRevisions(db);
  const key = `${table}\n${item.pk}`;
  map.delete(key);
  map.set(key, item.effectsRev);
  if (map.size > 1_000) map.delete(map.keys().next().value as string);
}
export const knownEffectsRev = (db: object, table: string, pk: string): number | undefined => effectsRevisions(db).get(`${table}\n${pk}`);
/** Deferred work that belongs to no request (e.g. a chat reply): its own small item. */
export const scopeKey = (scope: string): Key => ({ pk: `SCOPE#${scope}`, sk: 'EFFECTS' });
/** Request ids are the scope of their own effects. */
export const isRequestScope = (scope: string): boolean => scope.startsWith('req-');
export const effectsKey = (scope: string): Key => (isRequestScope(scope) ? requestKey(scope) : scopeKey(scope));

/** The key of the request a stream record or item is about, or undefined for other items. */
export function scopeOfItem(item: { pk?: string }): string | undefined {
  const pk = item.pk ?? '';
  if (pk.startsWith('REQ#')) return pk.slice(4);
  if (pk.startsWith('SCOPE#')) return pk.slice(6);
  return undefined;
}

export const statusIndex = (status: Status, since: string, id: string) => ({ gsi1pk: `STATUS#${status}`, gsi1sk: `${since}#${id}` });
export const requesterIndex = (r: AccountRequest) => ({
  gsi2pk: `REQUESTER#${r.requester.email.toLowerCase()}`,
  gsi2sk: `${r.createdAt}#${r.id}`,
});
/** Request ids sort by creation time (validation.ts), so the id orders an account's requests. */
export const accountIndex = (accountId: string | undefined, id: string): { gsi4pk?: string; gsi4sk?: string } =>
  accountId ? { gsi4pk: `ACCOUNT#${accountId}`, gsi4sk: id } : {};
/**
 * The effectsDue marker of effects written at `at`: their next due time, or AT_ONCE when that is
 * not later than the write. One constant for "due at once" (it sorts before any time) means a
 * transition that adds effects to an item that already has some due leaves its index entry as it
 * is, instead of rewriting it (an index write of 2 units) for a marker that says the same.
 */
export const AT_ONCE = '0';
export const dueIndex = (effects: Effect[], at: string): { gsi3pk?: string; gsi3sk?: string } => {
  const due = nextDue(effects);
  return due ? { gsi3pk: 'EFFECTS', gsi3sk: due <= at ? AT_ONCE : due } : {};
};

/** A new request as an item, with its effects and indexes. */
export function requestItem(request: AccountRequest, effects: Effect[]): Item {
  return {
    ...request,
    // Always a map, so that a door's note is one SET of a key in it.
    annotations: request.annotations ?? {},
    ...requestKey(request.id),
    ...statusIndex(request.status, request.statusSince, request.id),
    ...requesterIndex(request),
    ...accountIndex(request.accountId, request.id),
    effects: storedEffects(effects),
    effectsRev: 0,
    ...dueIndex(effects, request.createdAt),
  };
}

/**
 * The request an item holds, whichever release wrote it. Items of earlier releases are read in
 * today's shape: no kind (all were new accounts), no version (their transitions are counted from
 * the audit trail, one event each), actors with a `channel` (now `door`). (Their Slack
 * `approvalMessage` is passed on for the Slack door, which reads it.)
 */
export function toRequest(item: Item): AccountRequest {
  const request = Object.fromEntries(Object.entries(item).filter(([k]) => !INTERNAL.has(k))) as AccountRequest;
  request.kind ??= 'new-account';
  if (typeof request.version !== 'number') request.version = Array.isArray(request.audit) ? request.audit.length : 1;
  request.audit = (request.audit ?? []).map((e) => ({ ...e, actor: withDoor(e.actor) }));
  if (request.decision) request.decision = { ...request.decision, by: withDoor(request.decision.by) };
  if (request.annotations && Object.keys(request.annotations).length === 0) delete request.annotations;
  return request;
}

function withDoor(actor: Actor & { channel?: Actor['door'] }): Actor {
  if (actor.door) return actor;
  const { channel, ...rest } = actor;
  return { ...rest, door: channel ?? 'system' };
}

/** A request item that is visible: written completely (not a draft that is still taking its locks). */
export const isVisible = (item: Item | undefined): item is Item => !!item && !item.draft;

/**
 * The item an update with `ReturnValues: 'ALL_NEW'` wrote. DynamoDB always returns it when the
 * update succeeded; its absence is a broken endpoint, not a state of the request.
 */
export function writtenItem(attributes: Item | undefined, key: Key): Item {
  if (!attributes) throw new Error(`DynamoDB returned no attributes for the update of ${key.pk} (ReturnValues ALL_NEW)`);
  return attributes;
}

/**
 * An effect as a request item keeps it: the map's key is its id, and no attempts are written
 * while there are none (the request item is written whole, and paid by its size, at every
 * transition). Items of earlier releases, and other scopes' items, keep both: read alike.
 */
export function storedEffect(effect: Effect): Item {
  const { id: _id, attempts, ...rest } = effect;
  return attempts ? { ...rest, attempts } : rest;
}
export const storedEffects = (effects: Effect[]): Item => Object.fromEntries(effects.map((e) => [e.id, storedEffect(e)]));
/** One effect of an item, by its id. */
export function effectIn(item: Item | undefined, id: string): Effect | undefined {
  const stored = (item?.effects as Record<string, Item> | undefined)?.[id];
  return stored ? ({ id, attempts: 0, ...stored } as Effect) : undefined;
}
export const effectsOf = (item: Item | undefined): Effect[] =>
  Object.entries((item?.effects ?? {}) as Record<string, Item>).map(([id, stored]) => ({ id, attempts: 0, ...stored }) as Effect);
