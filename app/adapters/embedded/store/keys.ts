import type { Hold } from '../../../core/request/holds';

/**
 * The native store's key design, in one place: one LevelDB database (DATA_DIR/store), keys are
 * UTF-8 strings of parts joined by NUL (LevelDB sorts them bytewise), values are JSON.
 *
 * | record                     | key                                            | value                         |
 * |----------------------------|------------------------------------------------|-------------------------------|
 * | account request            | req · <id>                                     | the request, as written       |
 * | by status (oldest first)   | status · <status> · <statusSince> · <id>       | request id                    |
 * | by requester (newest last) | requester · <email, lower case> · <createdAt> · <id> | request id              |
 * | by account (newest last)   | account · <account id> · <request id>          | request id                    |
 * | hold (e-mail, name, conf.) | hold · <kind> · <value, lower case>            | holder's request id           |
 * | effect (of any scope)      | effect · <scope> · <effect id>                 | the effect                    |
 * | scope with effects         | due · <its next due time> · <scope>            | scope                         |
 * | the scope's due entry      | due-of · <scope>                               | its next due time             |
 * | provisioning slot          | slot · <n, 3 digits>                           | { requestId, since }          |
 * | dialog session             | session · <id>                                 | { ...session, expiresAt (ms) }|
 * | seen key (Slack event)     | seen · <key>                                   | { expiresAt (ms) }            |
 * | expiry of the two above    | expiry · <at (ms, 15 digits)> · <record key>   | { key, at }                   |
 * | about the store itself     | meta · <name>                                  | e.g. the migration it came from|
 *
 * A request's effects live beside it (its id is their scope) and are written in the same atomic
 * batch as the transition that causes them; every write is one batch (store/database.ts).
 */

const SEP = '\u0000';
/** Sorts right after SEP: the keys under a prefix P are [P + SEP, P + END). */
const END = '\u0001';
const ESC = '\u0002';

/** Parts may hold any character: the three control characters the design uses are escaped (injectively). */
function escapePart(part: string): string {
  if (!part.includes(SEP) && !part.includes(END) && !part.includes(ESC)) return part;
  let out = '';
  for (const c of part) out += c === SEP || c === END || c === ESC ? `${ESC}${String.fromCharCode(0x30 + c.charCodeAt(0))}` : c;
  return out;
}

export const key = (...parts: string[]): string => parts.map(escapePart).join(SEP);

/**
 * LevelDB's order of keys: by their UTF-8 bytes. JavaScript orders strings by UTF-16 code units,
 * which agrees with it below the surrogates (U+D800); keys differing first at or above them (rare:
 * the design's keys are ASCII but for what people typed) are compared by their bytes.
 */
export function bytewise(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x < 0xd800 && y < 0xd800) return x - y;
    return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
  }
  return a.length - b.length;
}

/** A range of keys, as LevelDB iterators take it. */
export interface Range {
  gte: string;
  lt: string;
}

/** Every key that starts with these parts (and has more). */
export const under = (...parts: string[]): Range => {
  const prefix = key(...parts);
  return { gte: prefix + SEP, lt: prefix + END };
};

/** The prefix of a range of every key under some parts (as `under` makes it), or undefined for other ranges. */
export const prefixOf = (range: Range): string | undefined =>
  range.gte.endsWith(SEP) && range.lt === range.gte.slice(0, -1) + END ? range.gte : undefined;
/** The prefixes (in the sense of prefixOf) that a key is under: one per part boundary. */
export function prefixesOf(k: string): string[] {
  const out: string[] = [];
  for (let i = k.indexOf(SEP); i >= 0; i = k.indexOf(SEP, i + 1)) out.push(k.slice(0, i + 1));
  return out;
}

/** Keys under `parts` whose next part is at most `upTo` (inclusive), or below it (`exclusive`). */
export const upTo = (parts: string[], upTo: string, exclusive = false): Range => ({
  gte: key(...parts) + SEP,
  lt: key(...parts, upTo) + (exclusive ? '' : END),
});

export const K = {
  request: (id: string) => key('req', id),
  status: (status: string, since: string, id: string) => key('status', status, since, id),
  statusRange: (status: string) => under('status', status),
  requester: (email: string, createdAt: string, id: string) => key('requester', email.toLowerCase(), createdAt, id),
  requesterRange: (email: string) => under('requester', email.toLowerCase()),
  /** Request ids sort by creation time. */
  account: (accountId: string, id: string) => key('account', accountId, id),
  accountRange: (accountId: string) => under('account', accountId),
  /** Holds are compared case-insensitively (core/request/holds.ts). */
  hold: (hold: Pick<Hold, 'kind' | 'value'>) => key('hold', hold.kind, hold.value.toLowerCase()),
  effect: (scope: string, effectId: string) => key('effect', scope, effectId),
  effectsOf: (scope: string) => under('effect', scope),
  due: (at: string, scope: string) => key('due', at, scope),
  dueUntil: (nowIso: string) => upTo(['due'], nowIso),
  dueOf: (scope: string) => key('due-of', scope),
  slot: (n: number) => key('slot', String(n).padStart(3, '0')),
  slots: () => under('slot'),
  session: (id: string) => key('session', id),
  seen: (k: string) => key('seen', k),
  expiry: (at: number, recordKey: string) => key('expiry', String(at).padStart(15, '0'), recordKey),
  expiredBefore: (now: number) => upTo(['expiry'], String(now).padStart(15, '0'), true),
  meta: (name: string) => key('meta', name),
} as const;

/** The record kinds that make a store non-empty (meta records do not). */
export const DATA_RANGES: Range[] = ['req', 'hold', 'effect', 'slot', 'session', 'seen'].map((p) => under(p));

/** Request ids are the scope of their own effects (ids are "req-" + time + random: core/request/validation.ts). */
export const isRequestScope = (scope: string): boolean => scope.startsWith('req-');
