import { askedFor, isSimulated } from '../../core/effects/messages';
import { masked } from '../../core/products/sealed';
import { failedSteps, STEP_WORDS } from '../../core/request/account-baseline';
import {
  ACCOUNT_TYPES,
  type AccountRequest,
  type OrganizationalUnit,
  ouLabel,
  requesterName,
  type Status,
} from '../../core/request/account-request';
import type { AccountView } from '../../core/request/account-view';
import { MAX_ACCOUNT_NAME_CHARACTERS, MAX_REASON_CHARACTERS } from '../../core/request/validation';
import { accountBlocks } from './account-views';
import { Bits, Blocks, Elements, HomeTab, Message, Modal } from './block-kit';
import { esc, when, who } from './format';

/** Block Kit for every Slack surface of the bot, built with slack-block-builder. */

export const ids = {
  requestModal: 'vend_account_modal',
  denyModal: 'deny_reason_modal',
  approve: 'approve_request',
  deny: 'deny_request',
  openModal: 'open_vend_modal',
  cancel: 'cancel_request',
  retry: 'retry_request',
  terminate: 'terminate_product',
  terminateModal: 'terminate_product_modal',
} as const;

/** The requester's own button for a request, where it can still be acted on: Cancel while it waits, Retry once it failed, Terminate a launched product. */
export function requesterButton(r: AccountRequest) {
  if (r.kind === 'product' && r.status === 'SUCCEEDED')
    return Elements.Button({ text: 'Terminate', actionId: ids.terminate, value: r.id }).danger();
  if (r.status === 'PENDING_APPROVAL') return Elements.Button({ text: 'Cancel', actionId: ids.cancel, value: r.id });
  if (r.status === 'FAILED' && !r.retriedAs) return Elements.Button({ text: 'Retry', actionId: ids.retry, value: r.id }).primary();
  return undefined;
}

/** Block ids of the request modal, named like the core's validation fields so errors land on their field. */
export const REQUEST_FIELDS = ['accountName', 'accountType', 'accountEmail', 'accountOU', 'costCentre', 'reason'] as const;
export type RequestField = (typeof REQUEST_FIELDS)[number];

export function requestModal(opts: {
  suggestedName: string;
  organizationalUnits: readonly OrganizationalUnit[];
  sandbox: boolean;
  /** Who decides on what (the approval policy's rules, in words). */
  rules?: readonly string[];
}) {
  const option = (text: string) => Bits.Option({ text, value: text });
  return Modal({ title: 'New AWS account', submit: 'Request', close: 'Cancel', callbackId: ids.requestModal })
    .blocks(
      Blocks.Section({
        text: `Approvers decide on your request; I will message you at each step.${opts.sandbox ? '\n_Sandbox mode: provisioning is simulated._' : ''}`,
      }),
      opts.rules?.length
        ? Blocks.Context().elements(
            `*Who decides*\n${opts.rules
              .slice(0, 8)
              .map((r) => `• ${esc(r)}`)
              .join('\n')}`,
          )
        : undefined,
      Blocks.Input({
        label: 'Account name',
        blockId: 'accountName',
        hint: `Up to ${MAX_ACCOUNT_NAME_CHARACTERS} characters; unique.`,
      }).element(Elements.TextInput({ actionId: 'value', initialValue: opts.suggestedName, maxLength: MAX_ACCOUNT_NAME_CHARACTERS })),
      Blocks.Input({ label: 'Account type', blockId: 'accountType' }).element(
        Elements.StaticSelect({ actionId: 'value', placeholder: 'Choose' })
          .options(ACCOUNT_TYPES.map(option))
          .initialOption(option('Sandbox')),
      ),
      Blocks.Input({
        label: 'Root e-mail',
        blockId: 'accountEmail',
        hint: 'A mailbox your team reads; every account needs its own.',
      }).element(Elements.EmailInput({ actionId: 'value', placeholder: 'team-aws@example.com' })),
      Blocks.Input({ label: 'Organizational unit', blockId: 'accountOU' }).element(
        Elements.StaticSelect({ actionId: 'value', placeholder: 'Choose' }).options(
          opts.organizationalUnits.map((ou) => option(ouLabel(ou))),
        ),
      ),
      Blocks.Input({ label: 'Cost centre', blockId: 'costCentre', hint: 'Tagged on the account as cost-centre.' })
        .optional()
        .element(Elements.TextInput({ actionId: 'value', maxLength: 256 })),
      Blocks.Input({ label: 'Reason', blockId: 'reason' })
        .optional()
        .element(
          Elements.TextInput({
            actionId: 'value',
            multiline: true,
            maxLength: MAX_REASON_CHARACTERS,
            placeholder: 'What is the account for?',
          }),
        ),
    )
    .buildToObject();
}

/** Asks why a launched product should be terminated. */
export function terminateModal(request: AccountRequest) {
  return Modal({
    title: 'Terminate product',
    submit: 'Ask to terminate',
    close: 'Back',
    callbackId: ids.terminateModal,
    privateMetaData: request.id,
  })
    .blocks(
      Blocks.Section({
        text: `Terminate *${esc(request.product?.provisionedProductName ?? request.id)}* (${esc(request.product?.name ?? '')})? Once approved, Service Catalog terminates it and what it made.`,
      }),
      Blocks.Input({ label: 'Reason', blockId: 'reason' }).element(
        Elements.TextInput({ actionId: 'value', multiline: true, maxLength: MAX_REASON_CHARACTERS }),
      ),
    )
    .buildToObject();
}

export function denyModal(request: AccountRequest, metadata: string) {
  return Modal({ title: 'Deny request', submit: 'Deny', close: 'Back', callbackId: ids.denyModal, privateMetaData: metadata })
    .blocks(
      Blocks.Section({
        text: `Deny *${esc(request.account.name)}* for ${esc(requesterName(request.requester))}? The requester sees your reason.`,
      }),
      Blocks.Input({ label: 'Reason', blockId: 'reason' }).element(
        Elements.TextInput({ actionId: 'value', multiline: true, maxLength: MAX_REASON_CHARACTERS }),
      ),
    )
    .buildToObject();
}

/** A reply with a button that opens the request form (which needs no dialog service). */
export function formFallback(text: string) {
  return Message()
    .blocks(
      Blocks.Section({ text: esc(text) }),
      Blocks.Actions().elements(Elements.Button({ text: 'Open the request form', actionId: ids.openModal }).primary()),
    )
    .buildToObject().blocks;
}

/** A DM to the requester about a step of their request, with their button when the request can still be acted on. */
export function requesterDm(channel: string, update: { subject: string; text: string }, request: AccountRequest) {
  const text = `*${esc(update.subject)}*\n${esc(update.text)}`;
  const button = requesterButton(request);
  if (!button) return { channel, text };
  return Message({ channel, text })
    .blocks(Blocks.Section({ text }), Blocks.Actions({ blockId: `requester:${request.id}` }).elements(button))
    .buildToObject();
}

/** A modal that just says something (used after a lost race or a refusal). */
export const noticeModal = (title: string, text: string) =>
  Modal({ title, close: 'Close' }).blocks(Blocks.Section({ text })).buildToObject();

const STATUS_LINE: Record<Status, (r: AccountRequest) => string> = {
  PENDING_APPROVAL: (r) => `:hourglass_flowing_sand: Waiting for a decision (expires ${when(r.expiresAt)})`,
  APPROVED: () => ':white_check_mark: Approved; queued for provisioning',
  PROVISIONING: (r) =>
    r.baseline
      ? `:gear: Account *${r.provisioning?.accountId}* made; setting it up: ${r.baseline.steps.map((s) => `${STEP_WORDS[s.step]} ${s.state === 'pending' ? '…' : s.state === 'done' ? ':white_check_mark:' : ':warning:'}`).join(', ')}`
      : ':gear: Provisioning through Account Factory…',
  SUCCEEDED: (r) =>
    `:tada: Account ready: *${r.provisioning?.accountId}*${isSimulated(r) ? ' _(sandbox: simulated)_' : ''}${
      failedSteps(r.baseline).length
        ? `\n:warning: Not set up: ${failedSteps(r.baseline)
            .map((s) => `${STEP_WORDS[s.step]} (${esc(s.detail ?? '')})`)
            .join(', ')}`
        : ''
    }`,
  FAILED: (r) => `:x: Provisioning failed: ${esc(r.provisioning?.failureReason ?? 'unknown reason')}`,
  DENIED: () => ':no_entry: Denied',
  CANCELLED: () => ':no_entry_sign: Cancelled by the requester',
  EXPIRED: () => ':hourglass: Expired: nobody decided in time',
};

export const statusLine = (r: AccountRequest): string => STATUS_LINE[r.status](r);

function requester(r: AccountRequest): string {
  return r.requester.slackUserId ? `<@${r.requester.slackUserId}>` : `${esc(requesterName(r.requester))} (${esc(r.requester.email)})`;
}

function requestFields(r: AccountRequest): string[] {
  if (r.product) {
    const params = Object.entries(masked(r.product.parameters, r.product.secretKeys));
    return [
      `*Requested by*\n${requester(r)}`,
      `*Product*\n${esc(r.product.name)}`,
      `*Launched in*\n${esc(r.accountId ? `${r.account.name} (${r.accountId})` : r.account.name)}`,
      `*Request id*\n\`${r.id}\``,
      ...(r.kind === 'product' && params.length
        ? [`*Parameters*\n${params.map(([k, v]) => `${esc(k)} = \`${esc(v)}\``).join('\n')}`.slice(0, 2000)]
        : []),
      ...(r.product.outputs?.length
        ? [`*Outputs*\n${r.product.outputs.map((o) => `${esc(o.key)} = \`${esc(o.value)}\``).join('\n')}`.slice(0, 2000)]
        : []),
    ];
  }
  return [
    `*Requested by*\n${requester(r)}`,
    `*Account name*\n${esc(r.account.name)}`,
    `*Type*\n${r.account.type}`,
    `*Root e-mail*\n${esc(r.account.email)}`,
    `*OU*\n${esc(ouLabel(r.account.ou))}`,
    `*Request id*\n\`${r.id}\``,
  ];
}

function decisionLine(r: AccountRequest): string | undefined {
  const d = r.decision;
  if (!d) return undefined;
  const verb = d.outcome === 'approved' ? ':white_check_mark: Approved' : ':no_entry: Denied';
  return `${verb} by ${who(d.by)} ${when(d.at)}${d.reason ? `: ${esc(d.reason)}` : ''}`;
}

/** How the core describes a request's approvals (VendingCore.approvalProgress). */
export interface ApprovalProgress {
  rule: string;
  autoApproved: boolean;
  summary: string;
  stages: Array<{
    stage: number;
    groups: string[];
    quorum: number | 'all';
    state: 'done' | 'current' | 'waiting';
    approvedBy: Array<{ person: string; id: string; name: string; door: string; at: string }>;
    slackUsergroups: string[];
    waitingFor?: string[];
    waitingForSlack?: string[];
  }>;
}

/** A person the policy names, as Slack shows them: a mention for a Slack user, the address otherwise. */
const mention = (person: string) => (person.startsWith('slack:') ? `<@${person.slice(6)}>` : esc(person));

/** The people the current stage waits for: its Slack users and user groups tagged, else its addresses. */
export function awaited(progress: ApprovalProgress): string {
  const current = progress.stages.find((s) => s.state === 'current');
  if (!current) return '';
  const tags = [...(current.waitingForSlack ?? []).map((id) => `<@${id}>`), ...current.slackUsergroups.map((g) => `<!subteam^${g}>`)];
  return (tags.length ? tags : (current.waitingFor ?? []).map(mention)).join(' ');
}

/** One line per stage: done (and by whom), current (and who is awaited), waiting. */
function stageLines(progress: ApprovalProgress, pending: boolean): string | undefined {
  if (progress.autoApproved) return `:robot_face: Approved by policy *${esc(progress.rule)}*`;
  if (progress.stages.length < 2 && pending) return undefined;
  const icon = {
    done: ':white_check_mark:',
    current: pending ? ':hourglass_flowing_sand:' : ':heavy_minus_sign:',
    waiting: ':white_circle:',
  };
  return progress.stages
    .map((s) => {
      const quorum = s.quorum === 'all' ? ' (all)' : s.quorum > 1 ? ` (${s.quorum})` : '';
      const by = s.approvedBy.length
        ? ` · approved by ${s.approvedBy.map((a) => (a.door === 'slack' ? `<@${a.id}>` : esc(a.name))).join(', ')}`
        : '';
      const wait = s.state === 'current' && pending ? ` · waiting for ${awaited(progress) || 'an approver'}` : '';
      return `${icon[s.state]} Stage ${s.stage} · ${esc(s.groups.join(' or '))}${quorum}${by}${wait}`;
    })
    .join('\n');
}

/** The approvers' message: the request, its stages, who is asked now, and buttons while it is pending. */
export function approvalMessage(r: AccountRequest, opts: { channel: string; progress: ApprovalProgress }) {
  const pending = r.status === 'PENDING_APPROVAL' && !opts.progress.autoApproved;
  const decision = decisionLine(r);
  const stages = stageLines(opts.progress, pending);
  const tags = pending ? awaited(opts.progress) : '';
  const title = r.kind === 'new-account' ? `AWS account request: ${r.account.name}` : capitalised(askedFor(r));
  return Message({ channel: opts.channel, text: `${title} by ${requesterName(r.requester)}: ${r.status}` })
    .blocks(
      Blocks.Header({ text: title.slice(0, 150) }),
      Blocks.Section().fields(requestFields(r)),
      r.reason ? Blocks.Section({ text: `*Reason*\n${esc(r.reason)}` }) : undefined,
      stages ? Blocks.Section({ text: stages }) : undefined,
      decision && !opts.progress.autoApproved ? Blocks.Section({ text: decision }) : undefined,
      Blocks.Section({ text: statusLine(r) }),
      tags ? Blocks.Context().elements(`Waiting for: ${tags}`) : undefined,
      pending ? decisionButtons(r) : undefined,
    )
    .buildToObject();
}

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function decisionButtons(r: AccountRequest) {
  return Blocks.Actions({ blockId: `decide:${r.id}` }).elements(
    Elements.Button({ text: 'Approve', actionId: ids.approve, value: r.id }).primary(),
    Elements.Button({ text: 'Deny', actionId: ids.deny, value: r.id }).danger(),
  );
}

/** The Home tab: the person's requests, and for approvers what waits for them. */
export function homeTab(opts: { mine: AccountRequest[]; waiting?: AccountRequest[]; accounts?: AccountView[]; sandbox: boolean }) {
  const line = (r: AccountRequest) => {
    const section = Blocks.Section({
      text: `${r.product ? `*${esc(r.product.name)}* · ${r.kind === 'terminate-product' ? 'termination' : 'product'}` : `*${esc(r.account.name)}* · ${r.account.type} · ${esc(r.account.ou.name)}`}\n${statusLine(r)}\n\`${r.id}\``,
    });
    const button = requesterButton(r);
    return button ? section.accessory(button) : section;
  };
  return HomeTab()
    .blocks(
      Blocks.Header({ text: 'My account requests' }),
      opts.sandbox ? Blocks.Context().elements('Sandbox mode: provisioning is simulated; no real AWS accounts are created.') : undefined,
      Blocks.Actions().elements(Elements.Button({ text: 'Request an account', actionId: ids.openModal }).primary()),
      opts.mine.length
        ? opts.mine.slice(0, 20).map(line)
        : Blocks.Section({ text: '_No requests yet. Use `/vend-account` or the button above._' }),
      opts.accounts ? accountBlocks(opts.accounts) : undefined,
      opts.waiting
        ? [
            Blocks.Divider(),
            Blocks.Header({ text: 'Waiting for your decision' }),
            ...(opts.waiting.length
              ? opts.waiting.slice(0, 20).flatMap((r) => [Blocks.Section().fields(requestFields(r)), decisionButtons(r)])
              : [Blocks.Section({ text: '_Nothing waits for you._' })]),
          ]
        : undefined,
    )
    .buildToObject();
}
