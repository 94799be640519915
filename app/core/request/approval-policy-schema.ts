import * as z from 'zod';
import { REQUEST_KINDS } from './account-request';
import { emailSchema } from './validation';

/**
 * The approval policy as data (APPROVAL_POLICY, default manifest/approval-policy.yml): groups of
 * people, and rules. The first rule whose `match` fits a request applies: who may ask at all
 * (`requesters`), whether the policy approves by itself (`autoApprove`), or which `stages` of
 * approvers decide, in order, each with a quorum. The schema of the file; what it decides is in
 * approval-policy.ts. Loaded only where the file is checked, never by a Lambda function, which
 * ships it checked and pre-parsed (app/boot/manifests.ts).
 */

const names = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]));
const slackUserId = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'must be a Slack user id such as U0123ABCD');

export const groupSchema = z
  .object({
    emails: z.array(emailSchema).default([]),
    slack: z.array(slackUserId).default([]),
    /** Everyone with an e-mail address in these domains. */
    domains: z.array(z.string().regex(/^([a-z0-9-]+\.)+[a-z]{2,}$/i, 'must be a domain such as example.com')).default([]),
    /** A Slack user group whose members belong too (looked up in Slack). */
    slackUsergroup: z
      .string()
      .regex(/^S[A-Z0-9]{2,}$/, 'must be a Slack user group id such as S0123ABCD')
      .optional(),
  })
  .strict();

const stageSchema = z
  .object({
    approvers: names,
    quorum: z.union([z.number().int().min(1), z.literal('all')]).default(1),
  })
  .strict();

const matchSchema = z
  .object({
    kind: z.enum(REQUEST_KINDS).optional(),
    accountType: z.enum(['Production', 'Sandbox']).optional(),
    ou: names.optional(),
    /** A product request (kind product) for one of these products, by name. */
    product: names.optional(),
    /** The requester is in one of these groups. */
    requester: names.optional(),
  })
  .strict();

export const ruleSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case words joined by dashes'),
    match: matchSchema.default({}),
    requesters: names.optional(),
    autoApprove: z.boolean().default(false),
    /** For auto-approved requests: who is told, for information (default: the first stage of the last rule that has stages). */
    inform: names.optional(),
    stages: z.array(stageSchema).default([]),
    /** Sandbox accounts this rule approves get a lease of this many days (0: none); default SANDBOX_LEASE_DAYS. */
    leaseDays: z.number().int().min(0).max(3650).optional(),
  })
  .strict()
  .refine((r) => r.autoApprove !== r.stages.length > 0, {
    message: 'a rule either approves by itself (autoApprove: true) or has stages, not both nor neither',
  });

export const policySchema = z
  .object({
    groups: z
      .record(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'group names are lower-case words joined by dashes'), groupSchema)
      .default({}),
    rules: z.array(ruleSchema).min(1, 'at least one rule is needed'),
  })
  .strict();
