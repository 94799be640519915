import * as z from 'zod';
import type { Actor, Requester } from '../../core/request/account-request';
import { emailSchema, personNameSchema } from '../../core/request/validation';

/** Who asks over REST, the same way on every route: the portal names the person (the API key vouches for the portal). */

/** A required string field of a body, with the core's own rule for what it holds. */
export const field = <T extends z.ZodType<unknown, string>>(name: string, rule: T) =>
  z.string({ error: `${name} is required (a string)` }).pipe(rule);

/** The person's fields, all required (a request is filed in their name). */
export const askerFields = {
  UserEmail: field('UserEmail', emailSchema),
  UserName: field('UserName', personNameSchema('UserName')),
  UserLastname: field('UserLastname', personNameSchema('UserLastname')),
};

/** The person named by a body: as a requester (names default to the e-mail's local part) and as the actor of the audit. */
export function whoAsks(body: { UserEmail: string; UserName?: string; UserLastname?: string }): { requester: Requester; actor: Actor } {
  const name = [body.UserName, body.UserLastname].filter(Boolean).join(' ');
  const local = body.UserEmail.split('@')[0];
  return {
    requester: {
      id: body.UserEmail.toLowerCase(),
      email: body.UserEmail,
      firstName: body.UserName ?? local,
      lastName: body.UserLastname ?? local,
    },
    actor: { id: body.UserEmail.toLowerCase(), email: body.UserEmail, ...(name ? { name } : {}), door: 'rest' },
  };
}
