import type { OrganizationalUnit } from '../../core/request/account-request';
import { ouLabel } from '../../core/request/account-request';
import type { AccountState, AccountView } from '../../core/request/account-view';
import { MAX_REASON_CHARACTERS } from '../../core/request/validation';
import { MAX_EXTENSION_DAYS } from '../../core/use-cases/account-life';
import { Bits, Blocks, Elements, Modal } from './block-kit';
import { esc } from './format';

/** Block Kit for the accounts a person owns: "My accounts" on the Home tab, and the modals of its buttons. */

export const accountIds = {
  move: 'account_move',
  close: 'account_close',
  extend: 'account_extend',
  modal: 'account_change_modal',
} as const;

export type AccountAction = 'move' | 'close' | 'extend';

const STATE_WORDS: Record<AccountState, string> = {
  ACTIVE: 'active',
  MOVING: 'moving to another OU',
  CLOSING: 'being closed',
  SUSPENDED: 'closed (suspended; AWS Support can reopen it for 90 days)',
  CLOSED: 'closed for good',
};

/** One line per account, in words (the Home tab and `/vend-account accounts`). */
export function accountLine(a: AccountView): string {
  return [
    `*${esc(a.name)}* \`${a.accountId}\` · ${a.type} · ${esc(a.ou.name)}${a.factory === 'sandbox' ? ' · _simulated_' : ''}`,
    `${STATE_WORDS[a.state]}${a.leaseEndsAt ? ` · lease ends ${a.leaseEndsAt.slice(0, 10)}` : ''}${a.openRequest ? ` · open request \`${a.openRequest.id}\` (${a.openRequest.kind}, ${a.openRequest.status})` : ''}`,
  ].join('\n');
}

/** The accounts as text, for the slash command. */
export function accountsText(accounts: AccountView[]): string {
  if (!accounts.length) return 'The bot has vended no account for you yet. `/vend-account` asks for one.';
  return ['*Your accounts*', ...accounts.map(accountLine), '_Move, close or extend them from my Home tab (My accounts)._'].join('\n\n');
}

/** "My accounts" on the Home tab: each account with what can be asked of it now. */
export function accountBlocks(accounts: AccountView[]) {
  const buttons = (a: AccountView) => {
    if (a.state !== 'ACTIVE' || a.openRequest) return undefined;
    return Blocks.Actions({ blockId: `account:${a.accountId}` }).elements(
      Elements.Button({ text: 'Move', actionId: accountIds.move, value: a.accountId }),
      a.leaseEndsAt ? Elements.Button({ text: 'Extend lease', actionId: accountIds.extend, value: a.accountId }) : undefined,
      Elements.Button({ text: 'Close', actionId: accountIds.close, value: a.accountId }).danger(),
    );
  };
  return [
    Blocks.Divider(),
    Blocks.Header({ text: 'My accounts' }),
    ...(accounts.length
      ? accounts.slice(0, 15).flatMap((a) => [Blocks.Section({ text: accountLine(a) }), buttons(a)])
      : [Blocks.Section({ text: '_No accounts yet._' })]),
  ];
}

/** The modal of a Move, Close or Extend click: what it needs, and a reason. */
export function accountModal(action: AccountAction, account: AccountView, organizationalUnits: readonly OrganizationalUnit[]) {
  const option = (text: string) => Bits.Option({ text, value: text });
  const title = { move: 'Move account', close: 'Close account', extend: 'Extend lease' }[action];
  const intro = {
    move: `Move *${esc(account.name)}* (\`${account.accountId}\`) out of *${esc(account.ou.name)}*. The approvers decide.`,
    close: `Close *${esc(account.name)}* (\`${account.accountId}\`)? Once approved, it leaves Control Tower and is closed in AWS Organizations. The approvers decide.`,
    extend: `The lease of *${esc(account.name)}* (\`${account.accountId}\`) ends ${account.leaseEndsAt?.slice(0, 10)}. The approvers decide on a longer one.`,
  }[action];
  return Modal({
    title,
    submit: action === 'close' ? 'Ask to close' : 'Ask',
    close: 'Back',
    callbackId: accountIds.modal,
    privateMetaData: JSON.stringify({ action, accountId: account.accountId }),
  })
    .blocks(
      Blocks.Section({ text: intro }),
      action === 'move'
        ? Blocks.Input({ label: 'To the organizational unit', blockId: 'ou' }).element(
            Elements.StaticSelect({ actionId: 'value', placeholder: 'Choose' }).options(
              organizationalUnits.filter((o) => o.name !== account.ou.name).map((o) => option(ouLabel(o))),
            ),
          )
        : undefined,
      action === 'extend'
        ? Blocks.Input({ label: 'By how many days', blockId: 'days' }).element(
            Elements.NumberInput({ actionId: 'value', minValue: 1, maxValue: MAX_EXTENSION_DAYS, initialValue: 14 }),
          )
        : undefined,
      Blocks.Input({ label: 'Reason', blockId: 'reason' }).element(
        Elements.TextInput({ actionId: 'value', multiline: true, maxLength: MAX_REASON_CHARACTERS }),
      ),
    )
    .buildToObject();
}
