import type { AccountType, Requester } from './account-request';
import { accountNameSchema, MAX_ACCOUNT_NAME_CHARACTERS } from './validation';

/**
 * Derives a readable, valid account name from the type and the requester, e.g.
 * "sandbox-jane-doe"; `attempt` > 1 adds a suffix when the name is already used.
 */
export function deriveAccountName(type: AccountType, requester: Pick<Requester, 'firstName' | 'lastName' | 'email'>, attempt = 1): string {
  const person = slug(`${requester.firstName} ${requester.lastName}`) || slug(requester.email.split('@')[0]) || 'user';
  const suffix = attempt > 1 ? `-${attempt}` : '';
  const base = `${type.toLowerCase()}-${person}`.slice(0, MAX_ACCOUNT_NAME_CHARACTERS - suffix.length).replace(/-+$/, '');
  return accountNameSchema.parse(base + suffix);
}

/** How many suffixed names are tried before giving up on a derived name. */
export const MAX_NAME_ATTEMPTS = 50;

/** The names a request of `type` for `requester` may get, in the order they are tried: "sandbox-jane-doe", "-2", "-3"... */
export function* nameCandidates(type: AccountType, requester: Pick<Requester, 'firstName' | 'lastName' | 'email'>): Generator<string> {
  for (let attempt = 1; attempt <= MAX_NAME_ATTEMPTS; attempt++) yield deriveAccountName(type, requester, attempt);
}

/** ASCII, lower case, words joined by dashes ("Zoë O'Brien" -> "zoe-o-brien"). */
function slug(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
