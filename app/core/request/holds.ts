import { AccountNameTakenError, AccountStateError, DuplicateConfirmationError, DuplicateRequestError } from '../errors';
import { type AccountRequest, isOpen, type Status } from './account-request';

/**
 * What a request holds so that no other request may, whatever the concurrency: the product's
 * uniqueness rules, in one place. The store takes them all with the request's first write
 * (or refuses it), and gives back the ones held while open when the request closes.
 */
export type HoldKind = 'account-email' | 'account-name' | 'confirmation' | 'provisioned-product';

export interface Hold {
  kind: HoldKind;
  /** Compared case-insensitively. */
  value: string;
  /** Freed when the request closes; otherwise held for good. */
  whileOpen: boolean;
}

export function holdsOf(request: AccountRequest, confirmationKey?: string): Hold[] {
  const confirmation = confirmationKey ? [{ kind: 'confirmation' as const, value: confirmationKey, whileOpen: false }] : [];
  // A product is no account: its request holds nothing but its confirmation; its termination holds
  // the product request it ends, so that one termination is open at a time.
  if (request.kind === 'product') return confirmation;
  if (request.kind === 'terminate-product')
    return [{ kind: 'provisioned-product', value: request.product?.terminates ?? request.id, whileOpen: true }, ...confirmation];
  return [
    // One open request per account e-mail: Organizations refuses a second account for it anyway, and
    // an account the bot vended has one open move, close or extension at a time (its e-mail is its own).
    { kind: 'account-email', value: request.account.email, whileOpen: true },
    // Account names stay unique for good: people and Control Tower events tell accounts apart by them
    // (taken by the request that makes the account; later requests about it name it, they do not take it).
    ...(request.kind === 'new-account' ? [{ kind: 'account-name' as const, value: request.account.name, whileOpen: false }] : []),
    // One request per confirmed conversation: a repeated or concurrent "yes" makes no second one.
    ...confirmation,
  ];
}

/** The holds a request gives back when it goes from `from` to `to`, or takes back when it reopens. */
export function holdsMoving(request: AccountRequest, from: readonly Status[], to: Status): { release: Hold[]; retake: Hold[] } {
  const whileOpen = holdsOf(request).filter((h) => h.whileOpen);
  const closes = !isOpen(to) && from.some(isOpen);
  const reopens = isOpen(to) && !from.some(isOpen);
  return { release: closes ? whileOpen : [], retake: reopens ? whileOpen : [] };
}

/**
 * Why `holder` keeps the hold from `request`, or undefined when the hold may be taken over: one
 * held while open is free again once its holder closed; one held for good only if its holder
 * never came to exist.
 */
export function refusal(hold: Hold, request: AccountRequest, holder: AccountRequest | undefined): Error | undefined {
  if (!holder) return undefined;
  if (hold.whileOpen && !isOpen(holder.status)) return undefined;
  if (hold.kind === 'account-email') return new DuplicateRequestError(holder.id, request.account.email);
  if (hold.kind === 'account-name') return new AccountNameTakenError(request.account.name, holder.id);
  if (hold.kind === 'provisioned-product')
    return new AccountStateError(`The product of request ${hold.value} is already being terminated by request ${holder.id}.`);
  return new DuplicateConfirmationError(holder.id);
}
