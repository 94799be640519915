import type { AccountRequest, Status } from './account-request';

/** Domain errors: each door maps them to its own answer (HTTP status, Slack field error, chat reply). */
export class DomainError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad input; `field` names what was wrong so a door can show it where it belongs. */
export class ValidationError extends DomainError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export class NotFoundError extends DomainError {}

/** The caller may not do this (not an approver, or approving their own request). */
export class ForbiddenError extends DomainError {}

/** A second open request for the same account e-mail. */
export class DuplicateRequestError extends ValidationError {
  constructor(
    readonly existingId: string,
    email: string,
  ) {
    super('accountEmail', `An open request for ${email} already exists: ${existingId}`);
  }
}

/** The account name is used by another request; names stay unique for good. */
export class AccountNameTakenError extends ValidationError {
  constructor(
    readonly accountName: string,
    readonly existingId: string,
  ) {
    super('accountName', `The account name "${accountName}" is already used by request ${existingId}`);
  }
}

/** The compare-and-set lost: the request was no longer in the expected state. Carries who won. */
export class TransitionConflictError extends DomainError {
  constructor(
    readonly current: AccountRequest,
    readonly expected: readonly Status[],
  ) {
    const last = current.audit[current.audit.length - 1];
    const who = last ? ` by ${last.actor.name ?? last.actor.id} at ${last.at}` : '';
    super(`Request ${current.id} is already ${current.status}${who}`);
  }
}
