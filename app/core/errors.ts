import type { AccountRequest, Status } from './request/account-request';
import { howItGotHere } from './request/history';

/** The one base of every error the product raises on purpose; its name is its class's. */
export class VendingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Domain errors: the caller's to fix; each door maps them to its own answer (HTTP 4xx, Slack field error, chat reply). */
export class DomainError extends VendingError {}

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

/** A conversation's confirmation already created a request: the same "yes" never makes two. */
export class DuplicateConfirmationError extends DomainError {
  constructor(readonly existingId: string) {
    super(`This confirmation already created request ${existingId}`);
  }
}

/** An approver of the request, but not now: their stage is done, or not begun, or they already counted. Nothing changes. */
export class NotYourTurnError extends DomainError {}

/** What is asked of an account cannot be done in its state: it is closed or closing, or another request about it is open. */
export class AccountStateError extends DomainError {}

/** Too many writers at once for one e-mail or name: nothing was stored; trying again will work. */
export class ContentionError extends DomainError {}

/** The request passed its expiry: no decision can be taken on it any more. */
export class RequestExpiredError extends DomainError {
  constructor(readonly current: AccountRequest) {
    super(`Request ${current.id} expired at ${current.expiresAt}: nothing was decided. The requester can ask again.`);
  }
}

/**
 * The compare-and-set lost: the request was no longer in the expected state. Says who won: the
 * decision when there is one (who decided and when), else the change that led to the current state.
 */
export class TransitionConflictError extends DomainError {
  constructor(
    readonly current: AccountRequest,
    readonly expected: readonly Status[],
  ) {
    super(`Request ${current.id} is already ${howItGotHere(current)}`);
  }
}

/** A service asked to be called again later (e.g. HTTP 429 with Retry-After): an effect waits at least this long. */
export class RetryLaterError extends VendingError {
  constructor(
    message: string,
    readonly afterMs: number,
  ) {
    super(message);
  }
}

/** The factory cannot take more work now (Control Tower runs at most 5 operations): retry later. */
export class FactoryBusyError extends VendingError {}

/** The factory refused this request for good; the message says why in plain words. */
export class FactoryRejectedError extends VendingError {}

/**
 * Organizations may not close more accounts now: its close quota (10 % of member accounts in a
 * rolling 30 days) or its limit of closes in progress is reached. The close waits; it does not fail.
 */
export class CloseQuotaError extends VendingError {}

/** A baseline step the service refused for a reason retrying cannot fix (a missing user, a bad permission set). */
export class BaselineRejectedError extends VendingError {}

/**
 * The dialog service cannot answer now (throttled, down, unreachable). Doors tell the person
 * plainly and offer a way that does not depend on it (the Slack form); nothing is created.
 */
export class DialogUnavailableError extends VendingError {}

/** Another turn of the same conversation saved first: this turn must run again on the fresh state. */
export class SessionConflictError extends VendingError {}

/** Too many messages of one conversation at once: this one was not taken. */
export class QueueFullError extends VendingError {
  constructor(readonly key: string) {
    super(`Too many messages at once in conversation ${key}`);
  }
}

/** A setting is missing or wrong; the message names it. */
export class ConfigError extends VendingError {}
