import * as z from 'zod';
import { ACCOUNT_TYPES } from './account-request';
import { emailSchema } from './validation';

/**
 * What every vended account gets before its owner hears it is ready, as data (the file named by
 * ACCOUNT_BASELINE, default manifest/account-baseline.yml): tags, alternate contacts, access
 * through IAM Identity Center, a monthly budget. Each part is optional; the tags the bot itself
 * needs (vending:request-id, vending:owner, vending:account-type) are always set. The schema of
 * the file; what it means for a request is in account-baseline.ts. Loaded only where the file is
 * checked, never by a Lambda function, which ships it checked and pre-parsed.
 */

// Organizations tag rules: keys 1-128, values 0-256, no aws: prefix.
const tagKey = z
  .string()
  .min(1)
  .max(128)
  .regex(/^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u, 'must be a tag key Organizations accepts (letters, digits, spaces, _.:/=+-@; not aws:)');
const tagValue = z
  .string()
  .max(256)
  .regex(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u, 'must be a tag value Organizations accepts');

const contactSchema = z
  .object({
    name: z.string().min(1).max(64),
    title: z.string().min(1).max(50),
    email: emailSchema,
    phone: z.string().regex(/^[\s0-9()+-]{1,25}$/, 'must be a phone number such as +1 555 0100'),
  })
  .strict();

const arn = (kind: string, re: RegExp) => z.string().regex(re, `must be an IAM Identity Center ${kind} ARN`);

export const baselineSchema = z
  .object({
    tags: z
      .record(z.string(), tagValue)
      .superRefine((tags, ctx) => {
        // Checked here rather than as the record's key schema, so the message says what is wrong with the key.
        for (const key of Object.keys(tags)) {
          const issue = tagKey.safeParse(key).error?.issues[0];
          if (issue) ctx.addIssue({ code: 'custom', path: [key], message: issue.message });
        }
      })
      .default({}),
    alternateContacts: z
      .object({ billing: contactSchema.optional(), operations: contactSchema.optional(), security: contactSchema.optional() })
      .strict()
      .optional(),
    access: z
      .object({
        instanceArn: arn('instance', /^arn:aws[a-z-]*:sso:::instance\/(sso)?ins-[a-zA-Z0-9-.]{16}$/),
        identityStoreId: z
          .string()
          .regex(/^d-[0-9a-f]{10}$|^[0-9a-f]{8}-[0-9a-f-]{27}$/, 'must be an identity store id such as d-1234567890'),
        permissionSetArn: arn('permission set', /^arn:aws[a-z-]*:sso:::permissionSet\/(sso)?ins-[a-zA-Z0-9-.]{16}\/ps-[a-zA-Z0-9-./]{16}$/),
        /** The account's SSO user (the requester, unless the request named another), or a group by its id. */
        to: z.union([z.literal('requester'), z.object({ group: z.string().min(1).max(47) }).strict()]).default('requester'),
      })
      .strict()
      .optional(),
    budget: z
      .object({
        /** USD per month, per account type; a type without an amount gets no budget. */
        monthlyUsd: z.partialRecord(z.enum(ACCOUNT_TYPES), z.number().positive().max(1_000_000)),
        alertAtPercent: z.number().positive().max(1000).default(80),
      })
      .strict()
      .optional(),
  })
  .strict();
