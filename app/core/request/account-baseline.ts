import type * as z from 'zod';
import type { AccessGrant, AlternateContact, BudgetSpec, ContactType } from '../ports/account-baseline';
import type { baselineSchema } from './account-baseline-schema';
import type { AccountRequest } from './account-request';

/** The account baseline (its file's schema: account-baseline-schema.ts): what each vended account gets, step by step. */
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
