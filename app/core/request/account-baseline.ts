import * as z from 'zod';
import type { AccessGrant, AlternateContact, BudgetSpec, ContactType } from '../ports/account-baseline';
import type { AccountRequest } from './account-request';
import { ACCOUNT_TYPES } from './account-request';
import { emailSchema } from './validation';

/**
 * What every vended account gets before its owner hears it is ready, as data (the file named by
 * ACCOUNT_BASELINE, default manifest/account-baseline.yml): tags, alternate contacts, access
 * through IAM Identity Center, a monthly budget. Each part is optional; the tags the bot itself
 * needs (vending:request-id, vending:owner, vending:account-type) are always set.
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

export type BaselineConfig = z.output<typeof baselineSchema>;

/** The steps, in the order they are listed on a request. */
export const BASELINE_STEPS = ['tags', 'alternate-contacts', 'access', 'budget'] as const;
export type BaselineStepName = (typeof BASELINE_STEPS)[number];

export interface BaselineStep {
  step: BaselineStepName;
  state: 'pending' | 'done' | 'failed';
  /** What was done, or why it failed. */
  detail?: string;
  at?: string;
  /** A pending step that failed for a while: how many times (it is given up at STEP_TRIES). */
  tries?: number;
  /** The tags step: the tags the account got. */
  tags?: Record<string, string>;
}

/** A request's baseline: its steps and how each went (what GET /requests/:id shows). */
export interface BaselineRecord {
  /** "sandbox" when simulated. */
  kind: string;
  steps: BaselineStep[];
}

/** The work of each step, computed from the configuration and the request when the step runs. */
export type StepWork =
  | { step: 'tags'; tags: Record<string, string> }
  | { step: 'alternate-contacts'; contacts: Array<{ type: ContactType; contact: AlternateContact }> }
  | { step: 'access'; grant: AccessGrant }
  | { step: 'budget'; budget: BudgetSpec };

/** The steps this configuration gives a request, each with its work. */
export function baselineWork(config: BaselineConfig, request: AccountRequest, accountId: string): StepWork[] {
  const work: StepWork[] = [
    {
      step: 'tags',
      tags: {
        ...config.tags,
        // Asked in the request (e.g. a cost centre); the bot's own tags cannot be overridden.
        ...request.tags,
        'vending:request-id': request.id,
        'vending:owner': request.requester.email,
        'vending:account-type': request.account.type,
      },
    },
  ];
  const contacts = Object.entries(config.alternateContacts ?? {}).flatMap(([type, contact]) =>
    contact ? [{ type: type.toUpperCase() as ContactType, contact }] : [],
  );
  if (contacts.length) work.push({ step: 'alternate-contacts', contacts });
  const access = config.access;
  if (access) {
    const principal =
      access.to === 'requester'
        ? { type: 'USER' as const, userName: request.account.sso.email }
        : { type: 'GROUP' as const, groupId: access.to.group };
    work.push({
      step: 'access',
      grant: {
        instanceArn: access.instanceArn,
        identityStoreId: access.identityStoreId,
        permissionSetArn: access.permissionSetArn,
        principal,
      },
    });
  }
  const amount = config.budget?.monthlyUsd[request.account.type];
  if (config.budget && amount) {
    work.push({
      step: 'budget',
      budget: {
        name: `vending-${accountId}`,
        amountUsd: amount,
        alertAtPercent: config.budget.alertAtPercent,
        notify: [request.requester.email],
      },
    });
  }
  return work;
}

/** A new record, every step pending. */
export const baselineRecord = (kind: string, work: StepWork[]): BaselineRecord => ({
  kind,
  steps: work.map((w) => ({ step: w.step, state: 'pending' })),
});

/** The record with one step's outcome. */
export function withStep(record: BaselineRecord, outcome: BaselineStep): BaselineRecord {
  return { ...record, steps: record.steps.map((s) => (s.step === outcome.step ? outcome : s)) };
}

export const isSettled = (record: BaselineRecord): boolean => record.steps.every((s) => s.state !== 'pending');
export const failedSteps = (record: BaselineRecord | undefined): BaselineStep[] => record?.steps.filter((s) => s.state === 'failed') ?? [];

/** How a step is named for people. */
export const STEP_WORDS: Record<BaselineStepName, string> = {
  tags: 'tags',
  'alternate-contacts': 'alternate contacts',
  access: 'access through IAM Identity Center',
  budget: 'monthly budget',
};
