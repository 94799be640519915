import { BaselineRejectedError } from '../../core/errors';

/**
 * Which answers of the baseline's services retrying cannot fix, and how to say so to the platform
 * engineer who must. Everything else (throttling, ConcurrentModification/Conflict, 5xx, network,
 * expired credentials) propagates unchanged, so the effect is retried with backoff.
 */

/** Refused input: a tag, contact, permission set, filter or name the service will never take as it is. */
const BAD_INPUT = new Set([
  'ValidationException', // Account, SSO Admin, Identity Store
  'InvalidInputException', // Organizations
  'InvalidParameterException', // Budgets
  'ConstraintViolationException', // Organizations: e.g. too many tags on the account
]);

/** Something named does not exist: the account, the instance, the permission set, the user. */
const NOT_FOUND = new Set(['ResourceNotFoundException', 'NotFoundException', 'TargetNotFoundException', 'AccountNotFoundException']);

/** A quota only a person can raise. */
const OVER_QUOTA = new Set(['ServiceQuotaExceededException', 'CreationLimitExceededException']);

/**
 * Missing permission or setup. Retrying with backoff does not grant a permission or enable trusted
 * access: an engineer must, and the step can be retried after that. Telling the approvers now beats
 * hours of backoff ending in the same answer.
 */
const NOT_ALLOWED = new Set(['AccessDeniedException', 'AccessDeniedForDependencyException', 'AWSOrganizationsNotInUseException']);

/** One baseline call, named for the message: what it did, to which service, with which IAM action. */
export interface BaselineCall {
  /** e.g. "Tagging account 444455556666" */
  doing: string;
  /** e.g. "AWS Organizations" */
  service: string;
  /** e.g. "organizations:TagResource" */
  action: string;
  /** What to check when the input was refused, in the domain's words. */
  inputHint?: string;
  /** What else, besides the IAM action, a refusal of permission may mean. */
  accessHint?: string;
}

const nameOf = (err: unknown): string => (err as { name?: string })?.name ?? '';
const messageOf = (err: unknown): string => (err as { message?: string })?.message ?? String(err);

function advice(name: string, call: BaselineCall): string | undefined {
  if (BAD_INPUT.has(name)) return call.inputHint ?? 'Check the baseline configuration for this value.';
  if (NOT_FOUND.has(name)) return 'Check that what the baseline configuration names exists (and in the region the client calls).';
  if (OVER_QUOTA.has(name)) return 'Raise the quota or remove unused items, then retry the step.';
  if (NOT_ALLOWED.has(name)) {
    const more = call.accessHint ? `, and ${call.accessHint}` : '';
    return `Check that the bot's role is allowed ${call.action} (infra/lib/app/permissions.ts)${more}.`;
  }
  return undefined;
}

/** The refusal as a BaselineRejectedError when retrying cannot fix it; otherwise the error itself. */
export function refusal(err: unknown, call: BaselineCall): unknown {
  if (err instanceof BaselineRejectedError) return err;
  const name = nameOf(err);
  const fix = advice(name, call);
  if (!fix) return err;
  return rejected(`${call.doing} was refused by ${call.service} (${name}: ${messageOf(err)}). ${fix}`, err);
}

/** A BaselineRejectedError that keeps the service's error as its cause, for the logs. */
export function rejected(message: string, cause?: unknown): BaselineRejectedError {
  return Object.assign(new BaselineRejectedError(message), cause === undefined ? {} : { cause });
}
