import * as z from 'zod';
import { ValidationError } from '../errors';
import { ACCOUNT_TYPES, type AccountType, type Requester } from './account-request';

/**
 * Every rule about what a valid account request looks like, with the real service limits
 * (Organizations CreateAccount / Account Factory). Doors and the dialog engine call these; none
 * re-implements them.
 */

const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

/** Organizations CreateAccount: AccountName is 1-50 printable ASCII characters. */
export const MAX_ACCOUNT_NAME_CHARACTERS = 50;
export const accountNameSchema = z
  .string()
  .trim()
  .min(1, 'The account name must not be empty')
  .max(MAX_ACCOUNT_NAME_CHARACTERS, `The account name must be at most ${MAX_ACCOUNT_NAME_CHARACTERS} characters`)
  .regex(PRINTABLE_ASCII, 'The account name must use printable ASCII characters only');

/**
 * Organizations accepts 6-64 characters matching [^\s@]+@[^\s@]+\.[^\s@]+, and then refuses at
 * CreateAccount what mail systems would refuse (empty labels, "..", a dot at either end). So the
 * local part is a dot-atom and the domain is dot-separated labels of letters, digits and inner
 * hyphens, ending in a TLD of at least two letters.
 */
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN = /^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

export const emailSchema = z
  .string()
  .trim()
  .min(6, 'The e-mail address must be at least 6 characters')
  .max(64, 'The e-mail address must be at most 64 characters')
  .regex(/^[\x21-\x7e]+$/, 'The e-mail address must be ASCII without spaces')
  .refine((s) => s.split('@').length === 2, 'The e-mail address must contain exactly one @')
  .refine((s) => {
    const [local, domain] = s.split('@');
    return !!local && !!domain && /^[^.].*\.[^.]+$/.test(domain);
  }, 'The e-mail address needs a name before the @ and a dot in the domain (like name@example.com)')
  .refine((s) => LOCAL_PART.test(s.split('@')[0]), 'The part before the @ must not start or end with a dot or have two dots in a row')
  .refine((s) => DOMAIN.test(s.split('@')[1]), 'The domain must be names separated by single dots, like example.com');

/** Text a person must really have written: invisible and format characters (U+200B...) alone do not count. */
const VISIBLE = /[\p{L}\p{N}\p{P}\p{S}]/u;
export const hasVisibleText = (s: string): boolean => VISIBLE.test(s);

/** A reason (for a request or a decision): optional, at most 1000 characters, "" when only blanks. */
export const MAX_REASON_CHARACTERS = 1000;
export const reasonSchema = z
  .string()
  .max(MAX_REASON_CHARACTERS, `The reason must be at most ${MAX_REASON_CHARACTERS} characters`)
  .transform((s) => (hasVisibleText(s) ? s.trim() : ''));

/** A person's first or last name, as the identity provider and Account Factory take it. */
const personName = (field: string) =>
  z
    .string()
    .trim()
    .min(1, `${field} must not be empty`)
    .max(64, `${field} must be at most 64 characters`)
    .refine(hasVisibleText, `${field} must not be empty`);
type PersonNameSchema = ReturnType<typeof personName>;
// Built once per label (a handful): building a zod schema costs more than running it, on every request.
const personNames = new Map<string, PersonNameSchema>();
export function personNameSchema(field: string): PersonNameSchema {
  const known = personNames.get(field);
  if (known) return known;
  const schema = personName(field);
  personNames.set(field, schema);
  return schema;
}

/** What one conversation turn may say. */
export const MAX_TURN_CHARACTERS = 1000;
export const turnTextSchema = z
  .string()
  .trim()
  .min(1, 'The message must not be empty')
  .max(MAX_TURN_CHARACTERS, `The message must be at most ${MAX_TURN_CHARACTERS} characters`);

/** Request ids are made by newRequestId: "req-" + base-36 time + "-" + 8 hex digits. */
export const REQUEST_ID = /^req-[0-9a-z]{1,12}-[0-9a-f]{8}$/;
export const isRequestId = (id: string): boolean => REQUEST_ID.test(id);

export const accountTypeSchema = z
  .string()
  .trim()
  .transform((s, ctx): AccountType => {
    const match = ACCOUNT_TYPES.find((t) => t.toLowerCase() === s.toLowerCase());
    if (!match) ctx.addIssue({ code: 'custom', message: `The account type must be ${ACCOUNT_TYPES.join(' or ')}` });
    return match ?? 'Sandbox';
  });

/** Runs a zod schema and turns its first issue into a ValidationError naming the field. */
export function check<T extends z.ZodType>(schema: T, field: string, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ValidationError(field, result.error.issues[0]?.message ?? `Invalid ${field}`);
}

/** A person asking, checked the same way whatever they ask for (the fields named as the REST door names them). */
export function checkedRequester(r: Requester): Requester {
  return {
    ...r,
    email: check(emailSchema, 'UserEmail', r.email),
    firstName: check(personNameSchema('The first name'), 'UserName', r.firstName),
    lastName: check(personNameSchema('The last name'), 'UserLastname', r.lastName),
  };
}
