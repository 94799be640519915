import { AccountStateError, DuplicateRequestError, ForbiddenError, NotFoundError, ValidationError } from '../errors';
import type { CreateOptions, RequestStore } from '../ports/requests';
import { type AccountRequest, type Actor, type OrganizationalUnit, type Requester, SYSTEM } from '../request/account-request';
import { type AccountView, accountView, isGone } from '../request/account-view';
import type { UsergroupMembers } from '../request/approval-policy';
import { resolveOu } from '../request/organizational-units';
import { check, checkedRequester, emailSchema, reasonSchema } from '../request/validation';
import { planApproval } from './approval-plan';
import type { Deciding } from './deciding';
import type { VendingPolicy, VendingService } from './vending-service';

/** What someone asks for an account the bot vended, whatever the door. */
export interface AccountChange {
  /** Who asks: the owner, an approver, or (for a lease that ended) the owner on the system's behalf. */
  requester: Requester;
  reason?: string;
}

export type AccountAsk = { kind: 'move-account'; ou: string } | { kind: 'close-account' } | { kind: 'extend-lease'; days: number };

const VERB = { 'move-account': 'move', 'close-account': 'close', 'extend-lease': 'extend the lease of' } as const;
export const MAX_EXTENSION_DAYS = 365;

/**
 * The accounts the bot vended, and what their owners (or approvers) may ask for them: a move to
 * another OU, a close, a longer sandbox lease. Each ask is a request of its own kind, through the
 * same policy, approvals, audit and effects as a new account, one open request per account at a
 * time (it holds the account's e-mail, as a new account's request does).
 */
export class AccountLife {
  constructor(
    private readonly store: RequestStore,
    private readonly service: VendingService,
    private readonly deciding: Deciding,
    private readonly policy: VendingPolicy,
    private readonly now: () => Date,
    private readonly usergroups?: UsergroupMembers,
  ) {}

  /** The account and the requests about it; NotFoundError for an account the bot did not vend. */
  async find(accountId: string): Promise<{ view: AccountView; requests: AccountRequest[] }> {
    const requests = /^\d{12}$/.test(accountId) ? await this.store.listByAccount(accountId, 100) : [];
    const view = accountView(accountId, requests, this.now());
    if (!view)
      throw new NotFoundError(
        `The bot did not vend an account with id ${accountId.slice(0, 40)}: it shows and acts only on the accounts it vended.`,
      );
    return { view, requests };
  }

  async account(accountId: string): Promise<AccountView> {
    return (await this.find(accountId)).view;
  }

  /** The accounts the bot vended for an owner, newest first. */
  async accountsOf(ownerEmail: string, limit = 50): Promise<AccountView[]> {
    const made = (await this.store.listByRequester(check(emailSchema, 'email', ownerEmail), 200)).filter(
      (r) => r.kind === 'new-account' && r.status === 'SUCCEEDED' && r.accountId,
    );
    const views = await Promise.all(made.slice(0, limit).map((r) => this.find(r.accountId as string).then((f) => f.view)));
    return views;
  }

  /** Files a move, close or extension of an account as a request, through the approval policy. */
  async ask(accountId: string, ask: AccountAsk, change: AccountChange, actor: Actor, opts: CreateOptions = {}): Promise<AccountRequest> {
    const { view, requests } = await this.find(accountId);
    const verb = VERB[ask.kind];
    if (actor !== SYSTEM && !isOwner(actor, view) && !(await this.deciding.couldApprove(actor)))
      throw new ForbiddenError(`Only the owner of account ${accountId} (${view.owner.email}) or an approver may ${verb} it.`);
    if (isGone(view.state))
      throw new AccountStateError(`Account ${accountId} is ${view.state.toLowerCase()}: nothing more can be asked for it.`);
    if (view.openRequest)
      throw new AccountStateError(
        `Account ${accountId} already has an open request, ${view.openRequest.id} (${view.openRequest.kind}, ${view.openRequest.status}): wait for it, or cancel it first.`,
      );
    const requester = checkedRequester(change.requester);
    const reason = change.reason === undefined ? '' : check(reasonSchema, 'reason', change.reason);
    if (!reason && actor !== SYSTEM) throw new ValidationError('reason', `Say why you want to ${verb} the account (reason)`);
    const vending = requests.find((r) => r.id === view.vendedBy) as AccountRequest;
    const { ou, ...details } = this.detailsOf(ask, view);
    const request: AccountRequest = {
      ...this.service.newRequestBase(ask.kind, requester, actor, reason || undefined),
      accountId,
      ...details,
      // The account as it is (a move: with the OU it goes to), so every message and rule reads one shape.
      account: { ...vending.account, ou: ou ?? view.ou },
    };
    request.approval = await planApproval(this.policy.approval, request, this.usergroups);
    try {
      return await this.service.file(request, actor, opts);
    } catch (err) {
      // Another request about the account was made at the same moment, and won its e-mail.
      if (err instanceof DuplicateRequestError)
        throw new AccountStateError(
          `Account ${accountId} already has an open request, ${err.existingId}: wait for it, or cancel it first.`,
        );
      throw err;
    }
  }

  private detailsOf(ask: AccountAsk, view: AccountView): Pick<AccountRequest, 'move' | 'extension'> & { ou?: OrganizationalUnit } {
    switch (ask.kind) {
      case 'move-account': {
        const ou = resolveOu(ask.ou, this.policy.organizationalUnits);
        if (ou.name.toLowerCase() === view.ou.name.toLowerCase())
          throw new ValidationError('ou', `Account ${view.accountId} is already in the OU ${view.ou.name}`);
        return { move: { fromOu: view.ou }, ou };
      }
      case 'extend-lease': {
        if (!view.leaseEndsAt) throw new AccountStateError(`Account ${view.accountId} has no lease to extend.`);
        if (!Number.isInteger(ask.days) || ask.days < 1 || ask.days > MAX_EXTENSION_DAYS)
          throw new ValidationError('days', `days must be a whole number from 1 to ${MAX_EXTENSION_DAYS}`);
        return { extension: { days: ask.days } };
      }
      case 'close-account':
        return {};
    }
  }
}

const isOwner = (actor: Actor, view: AccountView): boolean => !!actor.email && actor.email.toLowerCase() === view.owner.email.toLowerCase();
