import { randomUUID } from 'node:crypto';
import type { EffectDispatcher } from '../effects/dispatcher';
import { AccountNameTakenError, DomainError, ForbiddenError, NotFoundError, ValidationError } from '../errors';
import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import type { CreateOptions, RequestStore } from '../ports/requests';
import { deriveAccountName, nameCandidates } from '../request/account-name';
import { type AccountRequest, type Actor, type OrganizationalUnit, type Requester, SYSTEM } from '../request/account-request';
import type { ApprovalPolicy, UsergroupMembers } from '../request/approval-policy';
import { approvalSummary } from '../request/approval-stages';
import { isRequester } from '../request/approvers';
import { resolveOu } from '../request/organizational-units';
import {
  accountNameSchema,
  accountTypeSchema,
  check,
  emailSchema,
  isRequestId,
  personNameSchema,
  reasonSchema,
} from '../request/validation';
import { planApproval } from './approval-plan';
import type { Deciding } from './deciding';
import type { Transitions } from './transitions';

/** What a door hands in to ask for an account; checked here, whatever the door. */
export interface NewAccountInput {
  requester: Requester;
  accountType: string;
  accountEmail: string;
  accountOU: string;
  /** Derived from the type and the requester when absent. */
  accountName?: string;
  reason?: string;
  /** Tags for the account (e.g. a cost centre), put on it with the bot's own. */
  tags?: Record<string, string>;
  /** The IAM Identity Center user for the account; defaults to the requester. */
  sso?: { email: string; firstName: string; lastName: string };
  /** The failed request this one corrects (a retry with changed details). */
  retryOf?: string;
}

export interface VendingPolicy {
  /** How long a request (or a stage of its approvals) may wait for a decision; its approval links live as long. */
  pendingExpiryHours: number;
  organizationalUnits: readonly OrganizationalUnit[];
  approval: ApprovalPolicy;
  /** Sandbox accounts get a lease of this many days (0: none), unless their approval rule sets its own. */
  sandboxLeaseDays?: number;
}

/** Who would decide on a request before it is made, or why it would be refused. */
export type ApprovalPreview =
  | { summary: string; autoApproved: boolean; refused?: undefined }
  | { refused: string; summary?: undefined; autoApproved?: undefined };

/** The use cases every door shares: ask, look up, decide, cancel, expire. */
export class VendingService {
  constructor(
    private readonly store: RequestStore,
    private readonly transitions: Transitions,
    private readonly dispatcher: EffectDispatcher,
    private readonly deciding: Deciding,
    private readonly clock: Clock,
    private readonly policy: VendingPolicy,
    private readonly log: Logger,
    private readonly usergroups?: UsergroupMembers,
  ) {}

  /**
   * Who will decide on a request like this, before it is made: the summary ("needs approval from
   * ccoe, then all of security", "approved by policy …"), or why it would be refused.
   */
  async approvalPreview(input: { accountType: string; accountOU: string; requester: Requester }): Promise<ApprovalPreview> {
    try {
      const ou = resolveOu(input.accountOU, this.policy.organizationalUnits);
      const type = check(accountTypeSchema, 'accountType', input.accountType);
      const account = { name: '', email: input.requester.email, type, ou, sso: input.requester };
      const record = await planApproval(
        this.policy.approval,
        { kind: 'new-account', account, requester: input.requester },
        this.usergroups,
      );
      return { summary: approvalSummary(record), autoApproved: !!record.autoApproved };
    } catch (err) {
      if (err instanceof ForbiddenError) return { refused: err.message };
      if (err instanceof DomainError) return { summary: err.message, autoApproved: false };
      throw err;
    }
  }

  async createRequest(input: NewAccountInput, actor: Actor, opts: CreateOptions = {}): Promise<AccountRequest> {
    const requester: Requester = {
      ...input.requester,
      email: check(emailSchema, 'requester.email', input.requester.email),
      firstName: check(personNameSchema('The first name'), 'requester.firstName', input.requester.firstName),
      lastName: check(personNameSchema('The last name'), 'requester.lastName', input.requester.lastName),
    };
    const type = check(accountTypeSchema, 'accountType', input.accountType);
    const email = check(emailSchema, 'accountEmail', input.accountEmail);
    const ou = resolveOu(input.accountOU, this.policy.organizationalUnits);
    const sso = input.sso ?? requester;
    const reason = input.reason === undefined ? undefined : check(reasonSchema, 'reason', input.reason) || undefined;
    const chosenName = input.accountName === undefined ? undefined : check(accountNameSchema, 'accountName', input.accountName);

    const base: Omit<AccountRequest, 'account'> = {
      ...this.newRequestBase('new-account', requester, actor, reason, input.retryOf && `Corrects the failed request ${input.retryOf}`),
      ...(input.retryOf ? { retryOf: input.retryOf } : {}),
    };
    const ssoUser = {
      email: check(emailSchema, 'sso.email', sso.email),
      firstName: check(personNameSchema('The SSO first name'), 'sso.firstName', sso.firstName),
      lastName: check(personNameSchema('The SSO last name'), 'sso.lastName', sso.lastName),
    };

    // Who will decide, from the policy, before anything is stored (a requester the rule does not let ask is refused here).
    const approval = await planApproval(
      this.policy.approval,
      { kind: 'new-account', account: { name: '', email, type, ou, sso: ssoUser }, requester },
      this.usergroups,
    );
    const leaseDays = type === 'Sandbox' ? (approval.leaseDays ?? this.policy.sandboxLeaseDays ?? 0) : 0;
    const extra = {
      ...(leaseDays > 0 ? { lease: { days: leaseDays } } : {}),
      ...(input.tags && Object.keys(input.tags).length ? { tags: checkTags(input.tags) } : {}),
    };
    // A chosen name must be free; a derived one takes the first free candidate.
    let lastError: unknown;
    for (const name of chosenName ? [chosenName] : nameCandidates(type, requester)) {
      const request: AccountRequest = { ...base, ...extra, approval, account: { name, email, type, ou, sso: ssoUser } };
      try {
        return await this.file(request, actor, opts);
      } catch (err) {
        if (!(err instanceof AccountNameTakenError)) throw err;
        lastError = err;
      }
    }
    throw lastError;
  }

  /**
   * Stores a new request of any kind, whose approvals are planned, and starts its effects; a rule
   * that approves by itself approves it at once. The one way a request comes to exist.
   */
  async file(request: AccountRequest, actor: Actor, opts: CreateOptions = {}): Promise<AccountRequest> {
    await this.store.create(request, this.dispatcher.plan('create', request), opts);
    this.dispatcher.kick(request.id);
    this.log.info(
      { requestId: request.id, kind: request.kind, accountName: request.account.name, door: actor.door, rule: request.approval?.rule },
      'request created',
    );
    return request.approval?.autoApproved ? this.approveByPolicy(request) : request;
  }

  /** The fields every new request starts with, whatever its kind. */
  newRequestBase(kind: AccountRequest['kind'], requester: Requester, actor: Actor, reason?: string, auditReason?: string) {
    const now = this.clock.now();
    return {
      id: newRequestId(now),
      kind,
      status: 'PENDING_APPROVAL' as const,
      version: 1,
      statusSince: now.toISOString(),
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.policy.pendingExpiryHours * 3_600_000).toISOString(),
      requester,
      ...(reason ? { reason } : {}),
      audit: [
        {
          at: now.toISOString(),
          actor,
          action: 'create',
          to: 'PENDING_APPROVAL' as const,
          ...(auditReason ? { reason: auditReason } : {}),
        },
      ],
    };
  }

  /** The rule approves by itself: approved at once, by the policy (named in the audit and every message). */
  private approveByPolicy(request: AccountRequest): Promise<AccountRequest> {
    const rule = request.approval?.rule ?? 'policy';
    const policy: Actor = { id: `policy:${rule}`, name: `policy ${rule}`, door: 'system' };
    const at = this.clock.now().toISOString();
    return this.transitions.apply(request, 'approve', policy, {
      patch: { decision: { outcome: 'approved', by: policy, at } },
      reason: `Approved by policy ${rule}`,
    });
  }

  /** The name a new request would get now (shown before confirming). */
  async proposeAccountName(type: string, requester: Requester): Promise<string> {
    const t = check(accountTypeSchema, 'accountType', type);
    let last = deriveAccountName(t, requester);
    for (const name of nameCandidates(t, requester)) {
      if (!(await this.store.findByAccountName(name))) return name;
      last = name;
    }
    return last;
  }

  async get(id: string): Promise<AccountRequest> {
    // Anything that cannot be a request id is not looked up: it could only be not found.
    const request = isRequestId(id) ? await this.store.get(id) : undefined;
    if (!request) throw new NotFoundError(`No request with id ${id}`);
    return request;
  }

  listForRequester(email: string, limit = 20): Promise<AccountRequest[]> {
    return this.store.listByRequester(email, limit);
  }

  /** Requests waiting for a decision, oldest first. */
  listPending(limit = 50): Promise<AccountRequest[]> {
    return this.store.listByStatus('PENDING_APPROVAL', limit);
  }

  /** The requester withdraws a request that is still waiting for approval. */
  async cancel(id: string, actor: Actor): Promise<AccountRequest> {
    const request = await this.get(id);
    if (!isRequester(actor, request)) throw new ForbiddenError('Only the requester can cancel a request');
    return this.transitions.apply(request, 'cancel', actor);
  }

  /** Expires pending requests past their time; returns how many. */
  async expireStale(): Promise<number> {
    return (await this.tendPending({ expire: true })).expired;
  }

  /**
   * Asks the approvers again about requests waiting longer than `afterMs`, backing off: the n-th
   * reminder waits 2^(n-1) times as long. Returns how many were sent.
   */
  async remindApprovers(afterMs: number): Promise<number> {
    return (await this.tendPending({ remindAfterMs: afterMs })).reminded;
  }

  /**
   * The periodic care of pending requests, from one read of them: expire those past their time
   * (when `expire`), remind the approvers of the others that waited long enough (`remindAfterMs`).
   */
  async tendPending(opts: { expire?: boolean; remindAfterMs?: number }): Promise<{ expired: number; reminded: number }> {
    const now = this.clock.now();
    const afterMs = opts.remindAfterMs ?? 0;
    const done = { expired: 0, reminded: 0 };
    for (const request of await this.store.listByStatus('PENDING_APPROVAL', 500)) {
      try {
        if (request.expiresAt <= now.toISOString()) {
          if (!opts.expire) continue;
          await this.deciding.expire(request);
          done.expired++;
          continue;
        }
        if (afterMs <= 0) continue;
        const count = request.reminders?.count ?? 0;
        const since = Date.parse(request.reminders?.lastAt ?? request.createdAt);
        if (now.getTime() - since < afterMs * 2 ** count) continue;
        await this.transitions.apply(request, 'remind', SYSTEM, {
          patch: { reminders: { count: count + 1, lastAt: now.toISOString() } },
          reason: `Still waiting for a decision (reminder ${count + 1})`,
        });
        done.reminded++;
      } catch (err) {
        this.log.warn({ requestId: request.id, err }, 'could not expire or remind');
      }
    }
    return done;
  }
}

/** Tags asked for in a request: as AWS Organizations takes them (the bot's own vending: tags cannot be set). */
function checkTags(tags: Record<string, string>): Record<string, string> {
  const entries = Object.entries(tags);
  if (entries.length > 10) throw new ValidationError('tags', 'At most 10 tags can be asked for');
  for (const [k, v] of entries) {
    if (!/^[\p{L}\p{N}\s_.:/=+\-@]{1,128}$/u.test(k) || k.toLowerCase().startsWith('aws:') || k.startsWith('vending:'))
      throw new ValidationError(
        'tags',
        `The tag key "${k.slice(0, 40)}" is not allowed (1-128 letters, digits, spaces and _.:/=+-@; not aws: or vending:)`,
      );
    if (!/^[\p{L}\p{N}\s_.:/=+\-@]{0,256}$/u.test(v))
      throw new ValidationError('tags', `The value of tag "${k.slice(0, 40)}" is not allowed (0-256 letters, digits, spaces and _.:/=+-@)`);
  }
  return Object.fromEntries(entries.map(([k, v]) => [k.trim(), v.trim()]));
}

/** Sortable by creation time and unguessable: "req-" + time + random. */
function newRequestId(now: Date): string {
  return `req-${now.getTime().toString(36)}-${randomUUID().slice(0, 8)}`;
}
