import { AccountStateError, ForbiddenError, NotFoundError, ValidationError } from '../errors';
import type { ProductFactory } from '../ports/product-factory';
import type { CreateOptions, RequestStore } from '../ports/requests';
import { checkParameters } from '../products/parameters';
import type { Product, ProductSummary } from '../products/product';
import type { Sealer } from '../products/sealed';
import type { AccountDetails, AccountRequest, Actor, Requester } from '../request/account-request';
import { isGone } from '../request/account-view';
import type { UsergroupMembers } from '../request/approval-policy';
import { isRequester } from '../request/approvers';
import { check, checkedRequester, reasonSchema } from '../request/validation';
import type { AccountLife } from './account-life';
import { planApproval } from './approval-plan';
import type { Deciding } from './deciding';
import type { VendingPolicy, VendingService } from './vending-service';

export interface ProductAsk {
  requester: Requester;
  parameters?: unknown;
  /** One of the requester's vended accounts to launch it in; else where the bot runs. */
  accountId?: string;
  reason?: string;
}

/** Where a product goes when no account is named: the account the bot runs in. */
export const BOT_ACCOUNT = 'the account the bot runs in';

/**
 * Vending Service Catalog products: the catalog, a request of kind `product` checked against the
 * product's own parameter constraints before anything is stored (secrets sealed), and the
 * termination of a launched product (kind `terminate-product`); both through the approval policy.
 */
export class ProductVending {
  constructor(
    private readonly factory: ProductFactory,
    private readonly store: RequestStore,
    private readonly service: VendingService,
    private readonly life: AccountLife,
    private readonly deciding: Deciding,
    private readonly policy: VendingPolicy,
    private readonly sealer: Sealer,
    private readonly usergroups?: UsergroupMembers,
  ) {}

  get kind(): string {
    return this.factory.kind;
  }

  products(): Promise<ProductSummary[]> {
    return this.factory.products();
  }

  async product(productId: string): Promise<Product> {
    const product = /^prod-[a-z0-9]{4,30}$/.test(productId) ? await this.factory.product(productId) : undefined;
    if (!product)
      throw new NotFoundError(`No product ${productId.slice(0, 40)} in the catalog: GET /products lists what the bot may vend.`);
    return product;
  }

  async ask(productId: string, ask: ProductAsk, actor: Actor, opts: CreateOptions = {}): Promise<AccountRequest> {
    const product = await this.product(productId);
    const requester = checkedRequester(ask.requester);
    const parameters = checkParameters(product, ask.parameters);
    const reason = ask.reason === undefined ? '' : check(reasonSchema, 'reason', ask.reason);
    const account = ask.accountId ? await this.targetAccount(ask.accountId, requester) : botAccount(requester);
    const secretKeys = product.parameters.filter((p) => p.noEcho).map((p) => p.key);
    const base = this.service.newRequestBase('product', requester, actor, reason || undefined);
    const request: AccountRequest = {
      ...base,
      ...(ask.accountId ? { accountId: ask.accountId } : {}),
      account,
      product: {
        productId: product.id,
        name: product.name,
        artifactId: product.artifactId,
        ...(product.pathId ? { pathId: product.pathId } : {}),
        parameters: Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, secretKeys.includes(k) ? this.sealer.seal(v) : v])),
        ...(secretKeys.length ? { secretKeys } : {}),
        provisionedProductName: provisionedProductName(product.name, requester.email, base.id),
      },
    };
    request.approval = await planApproval(this.policy.approval, request, this.usergroups);
    return this.service.file(request, actor, opts);
  }

  /** The owner (or an approver) asks to terminate a launched product: a request of its own, through the policy. */
  async terminate(requestId: string, ask: { requester: Requester; reason?: string }, actor: Actor): Promise<AccountRequest> {
    const launched = await this.service.get(requestId);
    if (launched.kind !== 'product' || !launched.product)
      throw new ValidationError('id', `Request ${requestId} is not a product request: only launched products can be terminated.`);
    if (!isRequester(actor, launched) && !(await this.deciding.couldApprove(actor)))
      throw new ForbiddenError('Only the requester of the product or an approver may terminate it.');
    if (launched.status !== 'SUCCEEDED')
      throw new AccountStateError(`Request ${requestId} is ${launched.status}: only a launched product can be terminated.`);
    const done = (await this.store.listByRequester(launched.requester.email, 200)).find(
      (r) => r.kind === 'terminate-product' && r.product?.terminates === requestId && r.status === 'SUCCEEDED',
    );
    if (done) throw new AccountStateError(`The product of request ${requestId} was terminated by request ${done.id}.`);
    const requester = checkedRequester(ask.requester);
    const reason = ask.reason === undefined ? '' : check(reasonSchema, 'reason', ask.reason);
    if (!reason) throw new ValidationError('reason', 'Say why the product should be terminated (reason)');
    const request: AccountRequest = {
      ...this.service.newRequestBase('terminate-product', requester, actor, reason),
      ...(launched.accountId ? { accountId: launched.accountId } : {}),
      account: launched.account,
      product: { ...launched.product, terminates: launched.id, outputs: undefined },
    };
    delete request.product?.outputs;
    request.approval = await planApproval(this.policy.approval, request, this.usergroups);
    return this.service.file(request, actor);
  }

  /** A vended account of the requester's, to launch in. */
  private async targetAccount(accountId: string, requester: Requester): Promise<AccountDetails> {
    const { view, requests } = await this.life.find(accountId);
    if (view.owner.email.toLowerCase() !== requester.email.toLowerCase())
      throw new ForbiddenError(`Account ${accountId} is not yours: a product can be launched only in an account the bot vended for you.`);
    if (isGone(view.state))
      throw new AccountStateError(`Account ${accountId} is ${view.state.toLowerCase()}: nothing can be launched in it.`);
    const vending = requests.find((r) => r.id === view.vendedBy) as AccountRequest;
    return { ...vending.account, ou: view.ou };
  }
}

/** The request's "account" when none is named: the bot's own (a product is no account; messages say where it goes). */
function botAccount(requester: Requester): AccountDetails {
  const person = { email: requester.email, firstName: requester.firstName, lastName: requester.lastName };
  return { name: BOT_ACCOUNT, email: requester.email, type: 'Production', ou: { name: BOT_ACCOUNT }, sso: person };
}

/** A name Service Catalog accepts, from the product and the requester, unique per request: "Encrypted-S3-bucket-jane-1a2b3c4d". */
export function provisionedProductName(product: string, email: string, requestId: string): string {
  const slug = (s: string) =>
    s
      .normalize('NFKD')
      .replace(/[^a-zA-Z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '');
  const name = `${slug(product).slice(0, 80) || 'product'}-${slug(email.split('@')[0]).slice(0, 30) || 'owner'}-${requestId.slice(-8)}`;
  return name.replace(/^[^a-zA-Z0-9]+/, '').slice(0, 128);
}
