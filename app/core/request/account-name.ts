import type { AccountType, Requester } from './account-request';
import { accountNameSchema } from './validation';

/**
 * Derives a readable, valid account name from the type and the requester, e.g.
 * "sandbox-jane-doe"; `attempt` > 1 adds a suffix when the name is already used.
 */
export function deriveAccountName(type: AccountType, requester: Pick<Requester, 'firstName' | 'lastName' | 'email'>, attempt = 1): string {
  const person = slug(`${requester.firstName} ${requester.lastName}`) || slug(requester.email.split('@')[0]) || 'user';
  const suffix = attempt > 1 ? `-${attempt}` : '';
  const base = `${type.toLowerCase()}-${person}`.slice(0, 50 - suffix.length).replace(/-+$/, '');
  return accountNameSchema.parse(base + suffix);
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
