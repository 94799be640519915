import * as z from 'zod';
import type { ProvisioningOutcome } from '../../core/ports/account-factory';

/**
 * Control Tower lifecycle events: how provisioning completes on AWS. Control Tower records one when
 * it has finished creating (or, on a retry of a failed launch, updating) a managed account, and
 * delivers it to EventBridge on the default bus of the management account, in its home region.
 * See https://docs.aws.amazon.com/controltower/latest/userguide/lifecycle-events.html
 */

/** The EventBridge rule pattern that selects them; the infra uses this so both sides agree. */
export const LIFECYCLE_EVENT_PATTERN = {
  source: ['aws.controltower'],
  'detail-type': ['AWS Service Event via CloudTrail'],
  // A retried launch of an account that was created but not fully provisioned ends as UpdateManagedAccount.
  detail: { eventName: ['CreateManagedAccount', 'UpdateManagedAccount'] },
};

const STATUS_KEY = {
  CreateManagedAccount: 'createManagedAccountStatus',
  UpdateManagedAccount: 'updateManagedAccountStatus',
} as const;

const ACCOUNT_ID = /^\d{12}$/;

const LifecycleEvent = z.object({
  source: z.literal('aws.controltower'),
  'detail-type': z.literal('AWS Service Event via CloudTrail'),
  detail: z.object({
    eventName: z.enum(['CreateManagedAccount', 'UpdateManagedAccount']),
    serviceEventDetails: z.record(z.string(), z.unknown()),
  }),
});

const ManagedAccountStatus = z.object({
  // Lifecycle events mark completion: only these two states exist.
  state: z.enum(['SUCCEEDED', 'FAILED']),
  // Failure events can carry null for the message, the account name or the account id (or no account): still outcomes.
  message: z.string().nullish(),
  account: z
    .object({
      accountName: z.string().nullish(),
      accountId: z.string().nullish(),
    })
    .nullish(),
});

/**
 * The outcome a lifecycle event reports, or undefined for any other event (or a malformed one).
 * The event names the account, not the request or the e-mail: the outcome carries `accountId` and
 * `accountName` when the event has them (a masked or empty value counts as absent), and the
 * Provisioner decides which request it is about (app/core/use-cases/provisioning-match.ts). A success without
 * an account id is still an outcome: the request's Account Factory record has the id.
 */
export function parseLifecycleEvent(event: unknown): ProvisioningOutcome | undefined {
  const envelope = LifecycleEvent.safeParse(event);
  if (!envelope.success) return undefined;
  const { eventName, serviceEventDetails } = envelope.data.detail;
  const parsed = ManagedAccountStatus.safeParse(serviceEventDetails[STATUS_KEY[eventName]]);
  if (!parsed.success) return undefined;
  const { state, message, account } = parsed.data;
  const accountId = account?.accountId?.trim();
  const accountName = account?.accountName?.trim();
  return {
    ...(accountName ? { accountName } : {}),
    state,
    ...(accountId && ACCOUNT_ID.test(accountId) ? { accountId } : {}),
    ...(state === 'FAILED' ? { message: message?.trim() || 'AWS Control Tower could not finish setting up the account.' } : {}),
  };
}
