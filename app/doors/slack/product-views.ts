import type { Product, ProductParameter, ProductSummary } from '../../core/products/product';
import type { AccountView } from '../../core/request/account-view';
import { MAX_REASON_CHARACTERS } from '../../core/request/validation';
import { Bits, Blocks, Elements, Modal } from './block-kit';
import { esc } from './format';

/** Block Kit for /vend-product: pick a product (and where), then one input per parameter, typed from its constraints. */

export const productIds = { pick: 'product_pick_modal', parameters: 'product_parameters_modal' } as const;
const HERE = 'here';
export const paramBlock = (key: string) => `param:${key}`;
const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function productPickModal(opts: { products: ProductSummary[]; accounts: AccountView[]; sandbox: boolean }) {
  const accounts = opts.accounts.filter((a) => a.state === 'ACTIVE');
  return Modal({ title: 'Vend a product', submit: 'Next', close: 'Cancel', callbackId: productIds.pick })
    .blocks(
      Blocks.Section({
        text: `Products of the catalog: pick one, then fill in its parameters. Approvers decide.${opts.sandbox ? '\n_Sandbox catalog: launches are simulated._' : ''}`,
      }),
      Blocks.Input({ label: 'Product', blockId: 'product' }).element(
        Elements.StaticSelect({ actionId: 'value', placeholder: 'Choose' }).options(
          opts.products
            .slice(0, 100)
            .map((p) =>
              Bits.Option({ text: cut(p.name, 75), value: p.id, ...(p.description ? { description: cut(p.description, 75) } : {}) }),
            ),
        ),
      ),
      accounts.length
        ? Blocks.Input({ label: 'Launch in', blockId: 'account', hint: 'One of your accounts, or where the bot runs.' }).element(
            Elements.StaticSelect({ actionId: 'value' })
              .options([
                Bits.Option({ text: 'Where the bot runs', value: HERE }),
                ...accounts.slice(0, 99).map((a) => Bits.Option({ text: cut(`${a.name} (${a.accountId})`, 75), value: a.accountId })),
              ])
              .initialOption(Bits.Option({ text: 'Where the bot runs', value: HERE })),
          )
        : undefined,
    )
    .buildToObject();
}

/** The account a pick names (undefined: where the bot runs). */
export const pickedAccount = (value: string | undefined): string | undefined => (value && value !== HERE ? value : undefined);

function input(p: ProductParameter) {
  const c = p.constraints;
  if (c.allowedValues?.length) {
    const option = (v: string) => Bits.Option({ text: cut(v, 75), value: v });
    const select = Elements.StaticSelect({ actionId: 'value', placeholder: 'Choose' }).options(c.allowedValues.slice(0, 100).map(option));
    return p.default && c.allowedValues.includes(p.default) ? select.initialOption(option(p.default)) : select;
  }
  if (p.type === 'Number')
    return Elements.NumberInput({
      actionId: 'value',
      isDecimalAllowed: true,
      ...(c.minValue !== undefined ? { minValue: c.minValue } : {}),
      ...(c.maxValue !== undefined ? { maxValue: c.maxValue } : {}),
      ...(p.default !== undefined ? { initialValue: Number(p.default) } : {}),
    });
  return Elements.TextInput({
    actionId: 'value',
    ...(p.default !== undefined ? { initialValue: p.default } : {}),
    ...(c.maxLength !== undefined ? { maxLength: Math.min(c.maxLength, 3000) } : {}),
    ...(c.minLength ? { minLength: Math.min(c.minLength, 3000) } : {}),
  });
}

export function productParametersModal(product: Product, accountId: string | undefined, sandbox: boolean) {
  return Modal({
    title: cut(product.name, 24),
    submit: 'Request',
    close: 'Back',
    callbackId: productIds.parameters,
    privateMetaData: JSON.stringify({ productId: product.id, ...(accountId ? { accountId } : {}) }),
  })
    .blocks(
      Blocks.Section({
        text: `${esc(product.description ?? product.name)}${accountId ? `\nLaunched in account \`${accountId}\`.` : ''}${sandbox ? '\n_Sandbox catalog: the launch is simulated._' : ''}`,
      }),
      product.parameters.map((p) => {
        const hint = [p.constraints.constraintDescription ?? p.description, p.noEcho ? 'Secret: stored sealed, never shown.' : undefined]
          .filter(Boolean)
          .join(' ');
        const block = Blocks.Input({
          label: cut(p.key, 2000),
          blockId: paramBlock(p.key),
          ...(hint ? { hint: cut(hint, 2000) } : {}),
        }).element(input(p));
        return p.default !== undefined ? block.optional() : block;
      }),
      Blocks.Input({ label: 'Reason', blockId: 'reason' })
        .optional()
        .element(Elements.TextInput({ actionId: 'value', multiline: true, maxLength: MAX_REASON_CHARACTERS })),
    )
    .buildToObject();
}
