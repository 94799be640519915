import { DomainError, SessionConflictError } from '../errors';
import type { Clock } from '../ports/clock';
import { facetSessionId, type SessionStore } from '../ports/sessions';
import { problemWith } from '../products/parameters';
import type { Product, ProductParameter, ProductSummary } from '../products/product';
import type { DoorName, Requester } from '../request/account-request';
import type { ConversationReply } from './conversation';
import type { ProductVending } from './product-vending';

export const PRODUCT_INTENT = 'VendProduct';

/** What a product conversation remembers between turns. */
interface ProductTalk {
  productId: string;
  values: Record<string, string>;
  /** The parameter asked for; none while confirming. */
  asking?: string;
  startedAt: string;
}

const STOP = new Set([
  'a',
  'an',
  'the',
  'i',
  'me',
  'my',
  'we',
  'need',
  'want',
  'would',
  'like',
  'please',
  'new',
  'some',
  'small',
  'for',
  'with',
  'of',
  'to',
  'and',
  'get',
  'can',
  'you',
  'give',
]);
const words = (s: string): string[] => s.toLowerCase().match(/[a-z0-9]+/g) ?? [];
const YES = /^(yes|y|yeah|yep|sure|ok|okay|confirm|go ahead|do it|please do)\b/i;
const NO = /^(no|n|nope|cancel|stop|never ?mind|forget it|quit)\b/i;

/**
 * "I need an S3 bucket": a conversation about a product of the catalog, whatever the dialog
 * engine (it runs in the core, before the dialog, and only when the words name a product). It
 * asks for each parameter without a default, in order, with the constraint as the hint, checks
 * each answer against the product's constraints, and confirms before filing the request. A product
 * with a secret parameter is sent to the form: the bot takes no secret in a conversation.
 */
export class ProductConversation {
  constructor(
    private readonly catalog: ProductVending,
    private readonly sessions: SessionStore,
    private readonly clock: Clock,
    private readonly idleMinutes: number,
  ) {}

  /** The reply when this turn is about a product (one under way, or a new ask naming one); undefined otherwise. */
  async turn(door: DoorName, requester: Requester, text: string, sessionId: string): Promise<ConversationReply | undefined> {
    const id = facetSessionId('product', sessionId);
    const now = this.clock.now();
    const session = await this.sessions.load(id, now);
    const talk = session?.state as ProductTalk | undefined;
    if (!talk) {
      const product = await this.named(text);
      if (!product) return undefined;
      if (product.parameters.some((p) => p.noEcho))
        return reply(
          `${product.name} needs a secret (${product.parameters
            .filter((p) => p.noEcho)
            .map((p) => p.key)
            .join(', ')}), which I do not take in a conversation. Use the form: /vend-product in Slack, or the Products page.`,
          'Failed',
        );
      const values = Object.fromEntries(product.parameters.flatMap((p) => (p.default !== undefined ? [[p.key, p.default]] : [])));
      return this.next(id, 0, product, { productId: product.id, values, startedAt: now.toISOString() }, `Let's set up ${product.name}. `);
    }
    const version = session?.version ?? 0;
    const product = await this.catalog.product(talk.productId);
    const answer = text.trim();
    if (NO.test(answer)) {
      await this.sessions.delete(id);
      return reply(`Okay, nothing was requested for ${product.name}.`, 'Cancelled');
    }
    if (talk.asking) {
      const parameter = product.parameters.find((p) => p.key === talk.asking) as ProductParameter;
      const problem = problemWith(parameter, answer);
      if (problem) return reply(`${parameter.key} ${problem}. ${question(parameter)}`, 'ElicitSlot', talk.values);
      return this.next(id, version, product, { ...talk, values: { ...talk.values, [parameter.key]: answer } });
    }
    if (!YES.test(answer)) return reply(`Please answer yes or no. ${confirmation(product, talk.values)}`, 'ConfirmIntent', talk.values);
    await this.sessions.delete(id);
    const actor = { id: requester.id, name: `${requester.firstName} ${requester.lastName}`, email: requester.email, door };
    try {
      const request = await this.catalog.ask(
        product.id,
        { requester, parameters: talk.values, reason: 'Asked for in a conversation' },
        actor,
        { confirmationKey: `${id}:${talk.startedAt}` },
      );
      return {
        ...reply(
          `Request ${request.id} for ${product.name} is filed. I have asked the approvers and will tell you when they decide.`,
          'Fulfilled',
          talk.values,
        ),
        request,
      };
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      return reply(`I could not file the request: ${err.message}`, 'Failed', talk.values);
    }
  }

  /** Asks for the next parameter without a value, or for the confirmation; stores where the conversation is. */
  private async next(id: string, version: number, product: Product, talk: ProductTalk, lead = ''): Promise<ConversationReply> {
    const missing = product.parameters.find((p) => talk.values[p.key] === undefined);
    const state: ProductTalk = { ...talk, asking: missing?.key };
    const now = this.clock.now();
    try {
      await this.sessions.save(
        { id, updatedAt: now.toISOString(), state: state as unknown as Record<string, unknown>, version },
        new Date(now.getTime() + this.idleMinutes * 60_000),
        now,
      );
    } catch (err) {
      if (!(err instanceof SessionConflictError)) throw err;
      return reply('I am still working on your previous message; please wait for my answer before sending more.', 'Failed', talk.values);
    }
    return missing
      ? reply(`${lead}${question(missing)}`, 'ElicitSlot', talk.values)
      : reply(`${lead}${confirmation(product, talk.values)}`, 'ConfirmIntent', talk.values);
  }

  /** The product the words name best (most of its name's words, or its description's), if any does clearly. */
  private async named(text: string): Promise<Product | undefined> {
    const said = words(text);
    if (said.includes('account') || said.length === 0) return undefined; // accounts are the dialog's
    const score = (p: ProductSummary) => {
      const name = words(p.name).filter((w) => !STOP.has(w));
      const hits = name.filter((w) =>
        said.some((s) => s.length >= 2 && (w.startsWith(s) || s.startsWith(w)) && Math.min(s.length, w.length) >= 2),
      );
      return name.length ? hits.length / name.length : 0;
    };
    const ranked = (await this.catalog.products()).map((p) => ({ p, s: score(p) })).sort((a, b) => b.s - a.s);
    const best = ranked[0];
    if (!best || best.s < 0.5 || (ranked[1] && ranked[1].s === best.s)) return undefined;
    return this.catalog.product(best.p.id);
  }
}

function question(p: ProductParameter): string {
  const hint = p.constraints.constraintDescription ?? p.description;
  const choices = p.constraints.allowedValues?.length ? ` (one of ${p.constraints.allowedValues.join(', ')})` : '';
  return `What should ${p.key} be?${choices}${hint ? ` ${hint}` : ''}`;
}

function confirmation(product: Product, values: Record<string, string>): string {
  const list = product.parameters.map(
    (p) => `${p.key} = ${values[p.key]}${p.default !== undefined && values[p.key] === p.default ? ' (default)' : ''}`,
  );
  return `I will ask for ${product.name} with ${list.join(', ')}. The approvers decide. Shall I send it (yes/no)?`;
}

const reply = (message: string, state: ConversationReply['state'], slots: Record<string, string> = {}): ConversationReply => ({
  message,
  state,
  intent: PRODUCT_INTENT,
  slots,
});
