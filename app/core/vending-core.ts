import type { CorePorts, CoreSettings } from './core-setup';
import { DEFAULT_RETRY, EffectDispatcher, type EffectHandler } from './effects/dispatcher';
import { ApproverMail, QueueDrain, RequesterMail } from './effects/notifications';
import { NotFoundError } from './errors';
import type { ProvisioningOutcome } from './ports/account-factory';
import type { SentMessage } from './ports/notifier';
import type { CreateOptions } from './ports/requests';
import { Sealer } from './products/sealed';
import type { AccountRequest, Actor, DoorName, Requester } from './request/account-request';
import type { AccountView } from './request/account-view';
import { type ApprovalGrant, ApprovalTokens, approvalLink } from './request/approval-link';
import { describeRules, type UsergroupMembers } from './request/approval-policy';
import { approvalSummary, stagesView } from './request/approval-stages';
import { requestPageUrl } from './request/request-page';
import { type AccountAsk, type AccountChange, AccountLife } from './use-cases/account-life';
import { Baselining } from './use-cases/baselining';
import { Closing } from './use-cases/closing';
import { Conversation, type ConversationReply } from './use-cases/conversation';
import { Deciding } from './use-cases/deciding';
import { Leases } from './use-cases/leases';
import { ProductConversation } from './use-cases/product-conversation';
import { ProductLaunching } from './use-cases/product-launching';
import { ProductVending } from './use-cases/product-vending';
import { Provisioner } from './use-cases/provisioning';
import { type RetryChanges, Retrying, type RetryOutcome } from './use-cases/retrying';
import { Transitions } from './use-cases/transitions';
import { type NewAccountInput, VendingService } from './use-cases/vending-service';

export type { CorePorts, CoreSettings } from './core-setup';

/** An approval link opened: the grant and its request, or why there is none. */
export type OpenedLink =
  | { ok: true; grant: ApprovalGrant; request: AccountRequest }
  | { ok: false; reason: 'malformed' | 'forged' | 'unknown-request' }
  | { ok: false; reason: 'expired'; grant: ApprovalGrant; request: AccountRequest };

/**
 * The one face of the core that every door and entry point uses: ask, converse, decide, cancel,
 * look up, complete provisioning, carry out effects, tend. Doors never see the store, the
 * dispatcher or the token signer behind it (as Bolt's receivers see only `app.processEvent`).
 */
export class VendingCore {
  private readonly dispatcher: EffectDispatcher;
  private readonly service: VendingService;
  private readonly conversation: Conversation;
  private readonly retrying: Retrying;
  private readonly provisioner: Provisioner;
  private readonly baselining?: Baselining;
  private readonly deciding: Deciding;
  private readonly life: AccountLife;
  private readonly leases: Leases;
  private readonly productVending?: ProductVending;
  private readonly usergroups?: UsergroupMembers;
  private readonly tokens: ApprovalTokens;
  private readonly doorHandlers: EffectHandler[] = [];

  constructor(
    private readonly ports: CorePorts,
    private readonly settings: CoreSettings,
  ) {
    const { requests, clock, log } = ports;
    this.tokens = new ApprovalTokens(settings.approvalSecret);
    this.dispatcher = new EffectDispatcher(
      ports.effects,
      clock,
      log,
      settings.retry ?? DEFAULT_RETRY,
      settings.inlineEffects ?? true,
      settings.nodeId,
    );
    const transitions = new Transitions(requests, this.dispatcher, clock, log);
    const teams = ports.teams;
    this.usergroups = teams ? (usergroup: string) => teams.membersOf(usergroup) : undefined;
    this.deciding = new Deciding(requests, transitions, settings.policy, clock, settings.pendingExpiryHours, log, this.usergroups);
    const policy = {
      pendingExpiryHours: settings.pendingExpiryHours,
      organizationalUnits: settings.organizationalUnits,
      approval: settings.policy,
      sandboxLeaseDays: settings.sandboxLeaseDays ?? 0,
    };
    this.service = new VendingService(requests, transitions, this.dispatcher, this.deciding, clock, policy, log, this.usergroups);
    this.life = new AccountLife(requests, this.service, this.deciding, policy, () => clock.now(), this.usergroups);
    this.leases = new Leases(requests, transitions, this.life, clock, log);
    const closing = new Closing(ports.directory, transitions, clock, log);
    const sealer = new Sealer(settings.approvalSecret);
    this.productVending =
      ports.products &&
      new ProductVending(ports.products, requests, this.service, this.life, this.deciding, policy, sealer, this.usergroups);
    const productLaunching = ports.products && new ProductLaunching(ports.products, sealer, transitions, clock, log);
    const baselining = ports.baseline && new Baselining(settings.baseline ?? { tags: {} }, ports.baseline, transitions, clock, log);
    this.baselining = baselining;
    this.provisioner = new Provisioner(
      requests,
      ports.slots,
      ports.factory,
      transitions,
      clock,
      { maxConcurrent: settings.maxConcurrentProvisioning },
      log,
      ports.directory,
      baselining && ((request, accountId) => baselining.plan(request, accountId)),
      { closing, leases: this.leases, ...(productLaunching ? { products: productLaunching } : {}) },
    );
    this.retrying = new Retrying(this.service, transitions, this.deciding, policy, log);
    const productTalk =
      this.productVending &&
      ports.sessions &&
      new ProductConversation(this.productVending, ports.sessions, clock, settings.model.idleSessionTtlMinutes);
    this.conversation = new Conversation(ports.dialog, this.service, settings.model, this.retrying, productTalk);
  }

  /**
   * Registers the effects a door carries out (Slack posts), then the core's own (e-mail, the
   * queue). Call once, with every door's handlers, before the first request.
   */
  start(doorHandlers: EffectHandler[]): void {
    for (const handler of doorHandlers) {
      this.doorHandlers.push(handler);
      this.dispatcher.register(handler);
    }
    const link = (request: AccountRequest, approver: string) =>
      approvalLink(this.settings.publicUrl, this.tokens.sign({ requestId: request.id, approver, expiresAt: new Date(request.expiresAt) }));
    this.dispatcher
      .register(new ApproverMail(this.ports.notifier, (r) => this.deciding.approvalOf(r), link))
      .register(
        new RequesterMail(
          this.ports.notifier,
          (r) => this.doorHandlers.some((h) => h.reachesRequester?.(r)),
          (r) => requestPageUrl(this.settings.publicUrl, r.id),
        ),
      )
      .register(new QueueDrain(this.provisioner))
      .register(this.leases);
    if (this.baselining) this.dispatcher.register(this.baselining);
  }

  /** "sandbox" when provisioning is simulated: doors say so wherever results show. */
  get factoryKind(): string {
    return this.ports.factory.kind;
  }

  /** Minutes of silence after which a conversation is forgotten (the bot model's): the chat page says so after a reload. */
  get conversationIdleMinutes(): number {
    return this.settings.model.idleSessionTtlMinutes;
  }

  // Asking

  ask(input: NewAccountInput, actor: Actor, opts: CreateOptions = {}): Promise<AccountRequest> {
    return this.service.createRequest(input, actor, opts);
  }

  proposeAccountName(type: string, requester: Requester): Promise<string> {
    return this.service.proposeAccountName(type, requester);
  }

  converse(door: DoorName, requester: Requester, text: string): Promise<ConversationReply> {
    return this.conversation.turn(door, requester, text);
  }

  /** The requester's requests and where they are, in words. */
  statusOf(requester: Requester): Promise<string> {
    return this.conversation.statusOf(requester);
  }

  // Deciding

  /** An approver decides: counted in the current stage of the request's approvals; a deny denies at any stage. */
  /**
   * `request`: its id, or the request as a door has just read it (an approval link's): the decision
   * is a compare-and-set on its version either way, so a stale copy costs a retry, never a wrong write.
   */
  async decide(request: string | AccountRequest, outcome: 'approve' | 'deny', actor: Actor, reason?: string): Promise<AccountRequest> {
    return this.deciding.decide(await this.asRead(request), outcome, actor, reason);
  }

  /** Throws (ForbiddenError, NotYourTurnError, TransitionConflictError) unless the actor may decide now; returns the request. */
  async mayDecide(request: string | AccountRequest, actor: Actor): Promise<AccountRequest> {
    const current = await this.asRead(request);
    await this.deciding.assertMayDecide(actor, current);
    return current;
  }

  private asRead(request: string | AccountRequest): Promise<AccountRequest> {
    return typeof request === 'string' ? this.lookUp(request) : Promise.resolve(request);
  }

  /** Whether the actor is in any group the policy asks to approve (doors show approver views with this). */
  isApprover(actor: Actor): Promise<boolean> {
    return this.deciding.couldApprove(actor);
  }

  /** The approval policy's rules in words, for people about to ask. */
  approvalRules(): string[] {
    return describeRules(this.settings.policy);
  }

  /** The stages of a request's approvals: who approved which, who is awaited (what GET /requests/:id shows). */
  approvalProgress(request: AccountRequest) {
    const record = this.deciding.approvalOf(request);
    return {
      rule: record.rule,
      autoApproved: !!record.autoApproved,
      summary: approvalSummary(record),
      stages: stagesView(record, request.requester),
    };
  }

  /** The requester withdraws a request still waiting for approval (the approvers' messages follow). */
  cancel(id: string, actor: Actor): Promise<AccountRequest> {
    return this.service.cancel(id, actor);
  }

  /** A FAILED request again: unchanged, as a new attempt; with changed details, as a new request through the policy. */
  retry(id: string, actor: Actor, changes: RetryChanges = {}): Promise<RetryOutcome> {
    return this.retrying.retry(id, actor, changes);
  }

  // Accounts

  /** The accounts the bot vended for an owner, as they are now. */
  accountsOf(ownerEmail: string): Promise<AccountView[]> {
    return this.life.accountsOf(ownerEmail);
  }

  /** One account the bot vended (NotFoundError for any other), with the requests about it. */
  account(accountId: string): Promise<AccountView> {
    return this.life.account(accountId);
  }

  /** A move, close or lease extension of an account, asked by its owner or an approver: a request through the policy. */
  askAboutAccount(
    accountId: string,
    ask: AccountAsk,
    change: AccountChange,
    actor: Actor,
    opts: CreateOptions = {},
  ): Promise<AccountRequest> {
    return this.life.ask(accountId, ask, change, actor, opts);
  }

  // Products

  /** Whether this core vends products. */
  get hasCatalog(): boolean {
    return !!this.productVending;
  }

  /** The product vending of this core; NotFoundError when no catalog is configured. */
  get catalog(): ProductVending {
    if (!this.productVending) throw new NotFoundError('No product catalog is configured: this bot vends accounts only.');
    return this.productVending;
  }

  /** Checks the token of an approval link and finds its request. */
  async openApprovalLink(token: string): Promise<OpenedLink> {
    const check = this.tokens.verify(token, this.ports.clock.now());
    if (!check.ok && check.reason !== 'expired') return { ok: false, reason: check.reason };
    const { grant } = check;
    const request = await this.lookUp(grant.requestId).catch((err) => (err instanceof NotFoundError ? undefined : Promise.reject(err)));
    if (!request) return { ok: false, reason: 'unknown-request' };
    return check.ok ? { ok: true, grant, request } : { ok: false, reason: 'expired', grant, request };
  }

  // Looking up

  lookUp(id: string): Promise<AccountRequest> {
    return this.service.get(id);
  }

  requestsOf(email: string, limit = 20): Promise<AccountRequest[]> {
    return this.service.listForRequester(email, limit);
  }

  /** Requests whose current stage waits for this approver (never their own), oldest first. */
  waitingFor(actor: Actor, limit = 50): Promise<AccountRequest[]> {
    return this.deciding.waitingFor(actor, limit);
  }

  /** What the notifier sent, newest first, where it keeps that (the outbox); undefined otherwise. */
  sentMessages(limit = 200): Promise<SentMessage[]> | undefined {
    return this.ports.notifier.history?.(limit);
  }

  /** A door's own note on a request (e.g. where its chat message is); opaque to the core. */
  annotate(requestId: string, key: string, value: string): Promise<void> {
    return this.ports.requests.annotate(requestId, key, value);
  }

  /** True the first time `key` is seen within `ttlMs` (e.g. a Slack event id); false for every repeat. */
  firstTime(key: string, ttlMs: number): Promise<boolean> {
    return this.ports.idempotency.claimOnce(key, new Date(this.ports.clock.now().getTime() + ttlMs));
  }

  // Provisioning

  /** An outcome from the factory (a simulated completion, a Control Tower event's). */
  completeProvisioning(outcome: ProvisioningOutcome, actor?: Actor): Promise<AccountRequest | undefined> {
    return this.provisioner.complete(outcome, actor);
  }

  /**
   * An event of the factory's own (a Control Tower lifecycle event on EventBridge): completes the
   * request it is about. `matched` is false for any other event and for one about no request.
   */
  async completeFromFactoryEvent(event: unknown, actor: Actor): Promise<{ matched: boolean; request?: AccountRequest }> {
    const outcome = this.ports.factory.outcomeOf?.(event);
    if (!outcome) return { matched: false };
    const request = await this.provisioner.complete(outcome, actor);
    return request ? { matched: true, request } : { matched: false };
  }

  // Effects

  /** Carries out what is due: one scope's effects, or (no scope) every scope's. */
  async carryOutEffects(scope?: string): Promise<void> {
    if (scope) await this.dispatcher.process(scope);
    else await this.dispatcher.sweep();
  }

  /**
   * Carries out the effects of every scope a batch of the store's feed is about, one scope at a
   * time and each once; returns the positions of the records whose scope failed.
   */
  async carryOutEffectsOf(batch: unknown): Promise<string[]> {
    const failed: string[] = [];
    const done = new Set<string>();
    for (const { scope, position } of this.ports.feed?.scopesIn(batch) ?? []) {
      if (done.has(scope)) continue;
      done.add(scope);
      await this.dispatcher.process(scope).catch(() => failed.push(position));
    }
    return failed;
  }

  /** Stores work for a door's handler (a deferred chat turn, a reply) and starts it. */
  defer(scope: string, handler: string, payload: Record<string, unknown>): Promise<void> {
    return this.dispatcher.defer(scope, handler, handler, payload);
  }

  /** Resolves when every effect started in this process so far has finished. */
  settled(): Promise<void> {
    return this.dispatcher.idle();
  }

  // Tending

  /** The periodic work: effect retries, expiry, reminders, the reconciler and the queue; says how many expired and were reminded. */
  async tend(): Promise<{ expired: number; reminded: number }> {
    await this.dispatcher.sweep();
    const done = await this.service.tendPending({ expire: true, remindAfterMs: this.settings.reminderHours * 3_600_000 });
    await this.provisioner.reconcile();
    return done;
  }
}
