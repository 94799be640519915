import { DomainError, ValidationError } from '../../core/errors';
import { type ClickBody, tellClicker } from './clicks';
import type { SlackListenerDeps } from './context';
import { esc } from './format';
import { paramBlock, pickedAccount, productIds, productParametersModal, productPickModal } from './product-views';
import { ids, terminateModal } from './views';

type ViewValues = Record<string, Record<string, { value?: string | null; selected_option?: { value: string } | null }>>;
const inputOf = (values: ViewValues, block: string) => {
  const v = values[block]?.value;
  return (v?.selected_option?.value ?? v?.value ?? undefined) || undefined;
};

/**
 * `/vend-product`: a modal to pick a product (and one of the person's accounts to launch it in),
 * then a second view pushed with one input per parameter. The submission is checked by the core
 * against the product's constraints; a problem is shown on its input, and nothing is stored.
 */
export function registerProducts(deps: SlackListenerDeps): void {
  const { app, core, directory } = deps;

  app.command('/vend-product', async ({ command, ack, client }) => {
    try {
      const requester = await directory.requester(command.user_id);
      const [products, accounts] = await Promise.all([core.catalog.products(), core.accountsOf(requester.email)]);
      if (!products.length) return void (await ack({ response_type: 'ephemeral', text: 'The catalog has no product the bot may vend.' }));
      await client.views.open({
        trigger_id: command.trigger_id,
        view: productPickModal({ products, accounts, sandbox: core.catalog.kind === 'sandbox' }),
      });
      await ack();
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      await ack({ response_type: 'ephemeral', text: esc(err.message) });
    }
  });

  app.view(productIds.pick, async ({ ack, view }) => {
    const values = (view.state?.values ?? {}) as ViewValues;
    try {
      const product = await core.catalog.product(inputOf(values, 'product') ?? '');
      const view = productParametersModal(product, pickedAccount(inputOf(values, 'account')), core.catalog.kind === 'sandbox');
      await ack({ response_action: 'push', view });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      await ack({ response_action: 'errors', errors: { product: err.message } });
    }
  });

  app.action(ids.terminate, async ({ ack, body, client, action }) => {
    await ack();
    const click = body as unknown as ClickBody;
    try {
      const request = await core.lookUp((action as { value?: string }).value ?? '');
      await client.views.open({ trigger_id: click.trigger_id, view: terminateModal(request) });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      await tellClicker(deps, click, err.message);
    }
  });

  app.view(ids.terminateModal, async ({ ack, body, view }) => {
    try {
      const requester = await directory.requester(body.user.id);
      const reason = inputOf((view.state?.values ?? {}) as ViewValues, 'reason') ?? '';
      const request = await core.catalog.terminate(view.private_metadata, { requester, reason }, await directory.actor(body.user.id));
      await ack();
      await tellClicker(
        deps,
        { user: body.user, trigger_id: request.id },
        `Request ${request.id} to terminate it is filed; the approvers decide.`,
      );
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      await ack({ response_action: 'errors', errors: { reason: err.message } });
    }
  });

  app.view(productIds.parameters, async ({ ack, body, view }) => {
    const { productId = '', accountId } = JSON.parse(view.private_metadata || '{}') as { productId?: string; accountId?: string };
    const values = (view.state?.values ?? {}) as ViewValues;
    const parameters = Object.fromEntries(
      Object.keys(values)
        .filter((b) => b.startsWith('param:'))
        .flatMap((b) => {
          const v = inputOf(values, b);
          return v === undefined ? [] : [[b.slice('param:'.length), v]];
        }),
    );
    try {
      const requester = await directory.requester(body.user.id);
      const request = await core.catalog.ask(
        productId,
        {
          requester,
          parameters,
          ...(accountId ? { accountId } : {}),
          ...(inputOf(values, 'reason') ? { reason: inputOf(values, 'reason') } : {}),
        },
        await directory.actor(body.user.id),
      );
      await ack({ response_action: 'clear' });
      await deps.reply(`slack-notice:${body.user.id}:${request.id}`, {
        channel: body.user.id,
        text: esc(`Request ${request.id} for ${request.product?.name} is filed; the approvers decide, and I will tell you how it goes.`),
      });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      const field =
        err instanceof ValidationError && err.field.startsWith('parameters.')
          ? paramBlock(err.field.slice('parameters.'.length))
          : 'reason';
      await ack({ response_action: 'errors', errors: { [field in values ? field : 'reason']: err.message } });
    }
  });
}
