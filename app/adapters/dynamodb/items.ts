import type { AccountRequest, Status } from '../../core/request/account-request';
import { nextDue } from '../../core/effects/dispatcher';
import type { Effect } from '../../core/ports/ports';
import { INDEXES } from './table-schema';

/** How the domain's records become items of the one table (key design in table-schema.ts). */

export type Item = Record<string, any>;
export type Key = { pk: string; sk: string };

/** Attributes of a request item that are bookkeeping, not the request. */
const INTERNAL = new Set(['pk', 'sk', 'effects', 'effectsRev', 'acquiring', 'draft', 'fence', ...Object.values(INDEXES).flatMap((i) => [i.pk, i.sk])]);

export const requestKey = (id: string): Key => ({ pk: `REQ#${id}`, sk: 'REQ' });
export const emailKey = (email: string): Key => ({ pk: `EMAIL#${email.toLowerCase()}`, sk: 'LOCK' });
export const nameKey = (name: string): Key => ({ pk: `NAME#${name.toLowerCase()}`, sk: 'LOCK' });
export const confirmationKey = (key: string): Key => ({ pk: `CONFIRM#${key}`, sk: 'LOCK' });
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
export const requesterIndex = (r: AccountRequest) => ({ gsi2pk: `REQUESTER#${r.requester.email.toLowerCase()}`, gsi2sk: `${r.createdAt}#${r.id}` });
export const dueIndex = (effects: Effect[]) => {
  const due = nextDue(effects);
  return due ? { gsi3pk: 'EFFECTS', gsi3sk: due } : {};
};

/** A new request as an item, with its effects and indexes. */
export function requestItem(request: AccountRequest, effects: Effect[]): Item {
  return {
    ...request,
    ...requestKey(request.id),
    ...statusIndex(request.status, request.statusSince, request.id),
    ...requesterIndex(request),
    effects: Object.fromEntries(effects.map((e) => [e.id, e])),
    effectsRev: 0,
    ...dueIndex(effects),
  };
}

/**
 * The request an item holds. Items written before requests had a version (an earlier release)
 * count their transitions from the audit trail, which has one event per transition.
 */
export function toRequest(item: Item): AccountRequest {
  const request = Object.fromEntries(Object.entries(item).filter(([k]) => !INTERNAL.has(k))) as AccountRequest;
  if (typeof request.version !== 'number') request.version = Array.isArray(request.audit) ? request.audit.length : 1;
  return request;
}

/** A request item that is visible: written completely (not a draft that is still taking its locks). */
export const isVisible = (item: Item | undefined): item is Item => !!item && !item.draft;

export const effectsOf = (item: Item | undefined): Effect[] => Object.values((item?.effects ?? {}) as Record<string, Effect>);
