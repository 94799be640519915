import { masked } from '../products/sealed';
import { failedSteps, STEP_WORDS } from '../request/account-baseline';
import { type AccountRequest, ouLabel, requesterName, type Status } from '../request/account-request';
import { approvalSummary } from '../request/approval-stages';

/**
 * What the bot tells people about a request, in plain words, whatever carries it (outbox, SNS
 * e-mail, and the Slack door's text fallbacks). One place, so every door says the same thing.
 */

export interface MessageText {
  subject: string;
  text: string;
}

/** Results of the sandbox factory are simulated, and every message about them says so. */
export const isSimulated = (r: AccountRequest): boolean => r.provisioning?.factory === 'sandbox';
const SANDBOX_NOTE = 'Note: this account was provisioned by the SANDBOX Account Factory (simulated; no real AWS account exists).';

/** What a request asks for, in a few words: the subject of every message about it. */
export function askedFor(r: AccountRequest): string {
  const account = `AWS account "${r.account.name}"${r.accountId ? ` (${r.accountId})` : ''}`;
  const where = r.accountId ? ` in ${account}` : '';
  switch (r.kind) {
    case 'product':
      return `product "${r.product?.name}"${where}`;
    case 'terminate-product':
      return `termination of product ${r.product?.provisionedProductName}${where}`;
    case 'move-account':
      return `move of ${account} to the OU ${r.account.ou.name}`;
    case 'close-account':
      return `closing of ${account}`;
    case 'extend-lease':
      return `lease extension of ${account} by ${r.extension?.days ?? '?'} days`;
    default:
      return `${r.account.type} AWS account "${r.account.name}"`;
  }
}

/** A product request's lines: what, with which parameters (secrets masked), where, and what it gave. */
function productLines(r: AccountRequest): string[] {
  const p = r.product;
  if (!p) return [];
  const params = Object.entries(masked(p.parameters, p.secretKeys));
  return [
    `Product:        ${p.name} (${p.productId})`,
    `Launched in:    ${r.accountId ? `${r.account.name} (${r.accountId})` : r.account.name}`,
    `Provisioned as: ${p.provisionedProductName}`,
    ...(r.kind === 'terminate-product' ? [`Terminates:     the product of request ${p.terminates}`] : []),
    ...(params.length && r.kind === 'product' ? ['Parameters:', ...params.map(([k, v]) => `  ${k} = ${v}`)] : []),
    ...(p.outputs?.length
      ? ['Outputs:', ...p.outputs.map((o) => `  ${o.key} = ${o.value}${o.description ? `  (${o.description})` : ''}`)]
      : []),
  ];
}

/** The lines a kind adds to the summary. */
function kindLines(r: AccountRequest): string[] {
  if (r.kind === 'new-account')
    return r.lease?.days ? [`Lease:          ${r.lease.days} days${r.lease.endsAt ? `, ends ${r.lease.endsAt}` : ''}`] : [];
  return [
    `Asks for:       ${askedFor(r)}`,
    `Account id:     ${r.accountId}`,
    ...(r.move ? [`From OU:        ${r.move.fromOu.name}`] : []),
    ...(r.extension?.to ? [`Lease ends:     ${r.extension.to}`] : []),
    ...(r.closure?.accountState ? [`In AWS:         ${r.closure.accountState}`] : []),
  ];
}

export function summary(r: AccountRequest): string {
  const isProduct = r.kind === 'product' || r.kind === 'terminate-product';
  return [
    `Request:        ${r.id}`,
    `Requested by:   ${requesterName(r.requester)} <${r.requester.email}>`,
    ...(isProduct ? productLines(r) : [...kindLines(r), ...accountLines(r)]),
    ...(r.reason ? [`Reason:         ${r.reason}`] : []),
    ...(r.approval ? [`Approvals:      ${approvalSummary(r.approval)} (rule ${r.approval.rule})`] : []),
    `Status:         ${r.status}`,
  ].join('\n');
}

function accountLines(r: AccountRequest): string[] {
  return [
    `Account name:   ${r.account.name}`,
    `Account type:   ${r.account.type}`,
    `Root e-mail:    ${r.account.email}`,
    `OU:             ${ouLabel(r.account.ou)}`,
    `SSO user:       ${r.account.sso.firstName} ${r.account.sso.lastName} <${r.account.sso.email}>`,
  ];
}

/** Which stage an approver is asked for, in words: "Stage 2 of 2: security (all of them must approve)." */
function stageLine(r: AccountRequest): string | undefined {
  const a = r.approval;
  const stage = a?.stages[a.current];
  if (!a || !stage || a.stages.length < 2) return undefined;
  const quorum =
    stage.quorum === 'all'
      ? 'all of them must approve'
      : stage.quorum > 1
        ? `${stage.quorum} of them must approve`
        : 'one of them approves';
  return `Stage ${a.current + 1} of ${a.stages.length}: ${stage.approvers.groups.join(' or ')} (${quorum}).`;
}

/** The approval request; `link` opens the page where an approver decides. */
export function approvalRequest(r: AccountRequest, link: string, reminder = false): MessageText {
  return {
    subject: truncate(`${reminder ? 'Reminder: approval' : 'Approval'} needed: ${askedFor(r)} for ${requesterName(r.requester)}`),
    text: [
      reminder
        ? `${requesterName(r.requester)} is still waiting for a decision (asked ${r.createdAt}).`
        : r.kind === 'new-account'
          ? `${requesterName(r.requester)} asks for a new AWS account.`
          : `${opener(r)} asks for the ${askedFor(r)}.`,
      ...(stageLine(r) ? [stageLine(r) as string] : []),
      '',
      summary(r),
      '',
      `Approve or deny: ${link}`,
      '',
      `The link is yours alone and works until ${r.expiresAt}, when the request expires.`,
    ].join('\n'),
  };
}

/** For the people the policy names to be told: a request it approved by itself (nothing to do). */
export function approvedByPolicy(r: AccountRequest): MessageText {
  return {
    subject: truncate(`For your information: ${askedFor(r)} approved by policy ${r.approval?.rule}`),
    text: [
      `${opener(r)} asked for the ${askedFor(r)}, and the approval policy approved it by itself (rule ${r.approval?.rule}). Nothing is needed from you.`,
      '',
      summary(r),
    ].join('\n'),
  };
}

/** What the account got after it was made, step by step ("simulated" for the sandbox baseline). */
function baselineLines(r: AccountRequest): string[] {
  const b = r.baseline;
  if (!b?.steps.length) return [];
  const simulated = b.kind === 'sandbox' ? ' (simulated)' : '';
  return [
    '',
    `Set up for you${simulated}:`,
    ...b.steps.map(
      (s) =>
        `- ${STEP_WORDS[s.step]}: ${s.state === 'done' ? 'done' : `not done (${s.detail ?? 'unknown reason'}); the platform team is told`}`,
    ),
  ];
}

/** Told to the approvers when an account is ready without part of its baseline: what is missing and why. */
export function baselineIncomplete(r: AccountRequest): MessageText {
  const missing = failedSteps(r.baseline);
  return {
    subject: truncate(
      `Action needed: AWS account "${r.account.name}" (${r.provisioning?.accountId}) is ready without ${missing.map((s) => STEP_WORDS[s.step]).join(', ')}`,
    ),
    text: [
      `The account of request ${r.id} is ready and usable, but these baseline steps could not be done:`,
      ...missing.map((s) => `- ${STEP_WORDS[s.step]}: ${s.detail ?? 'unknown reason'}`),
      '',
      'Do them by hand, or fix the cause in the baseline configuration (ACCOUNT_BASELINE) for later accounts.',
      '',
      summary(r),
    ].join('\n'),
  };
}

export { howItGotHere } from '../request/history';

/** A request's state in plain words. */
export const STATUS_WORDS: Record<Status, string> = {
  PENDING_APPROVAL: 'waiting for approval',
  APPROVED: 'approved, waiting for its turn to be provisioned',
  PROVISIONING: 'being provisioned',
  SUCCEEDED: 'ready',
  FAILED: 'failed',
  DENIED: 'denied',
  CANCELLED: 'cancelled',
  EXPIRED: 'expired',
};

/**
 * What the requester hears after an event; undefined when the event is not news to them. A
 * message sent `late` (the request moved on before it could go out) says so and says what is
 * true now, so it never contradicts a later one.
 */
export function requesterUpdate(event: string, r: AccountRequest, late = false, pageUrl?: string): MessageText | undefined {
  const news = requesterNews(event, r);
  // Where to follow the request, when the core knows its page.
  const message = news && pageUrl ? { ...news, text: `${news.text}\n\nFollow your request here: ${pageUrl}` } : news;
  if (!message || !late) return message;
  return {
    subject: truncate(`(Delayed) ${message.subject}`),
    text: `${message.text}\n\nThis message was delayed. Since then the request moved on: it is now ${STATUS_WORDS[r.status]}.`,
  };
}

/** Who opened a request: the system for a lease that ended, else the requester. */
const opener = (r: AccountRequest): string =>
  r.audit[0]?.actor.door === 'system' ? 'The bot (the sandbox lease ended)' : requesterName(r.requester);

function requesterNews(event: string, r: AccountRequest): MessageText | undefined {
  if (r.kind !== 'new-account') return accountLifeNews(event, r);
  const hi = `Hi ${r.requester.firstName},`;
  const name = `"${r.account.name}"`;
  switch (event) {
    case 'lease-reminder':
      return {
        subject: truncate(`Lease ending: AWS account ${name} (${r.accountId}) on ${r.lease?.reminder?.endsAt ?? r.lease?.endsAt}`),
        text: `${hi}\n\nthe lease of your sandbox account ${name} (${r.accountId}) ends at ${r.lease?.reminder?.endsAt ?? r.lease?.endsAt}, in ${r.lease?.reminder?.daysLeft ?? '?'} day(s). Then the bot asks for it to be closed.\n\nNeed it longer? Ask for an extension: the Extend button in Slack (My accounts), or POST /accounts/${r.accountId}/extend.`,
      };
    case 'create':
      return {
        subject: truncate(`Request ${r.id} received: AWS account ${name}`),
        text: `${hi}\n\nyour request is waiting for an approver. You will hear from me at each step.\n\n${summary(r)}`,
      };
    case 'approve':
      return {
        subject: truncate(`Approved: AWS account ${name}`),
        text: `${hi}\n\n${by(r)} approved your request ${r.id}. I am provisioning the account now and will tell you when it is ready.`,
      };
    case 'deny':
      return {
        subject: truncate(`Denied: AWS account ${name}`),
        text: `${hi}\n\n${by(r)} denied your request ${r.id}.\nReason: ${r.decision?.reason ?? 'none given'}\n\nYou can ask again with the missing details, or talk to the approver.`,
      };
    case 'succeed':
      return {
        subject: truncate(`Ready: AWS account ${name} (${r.provisioning?.accountId ?? 'unknown id'})`),
        text: [
          `${hi}`,
          '',
          `your account is ready.`,
          `Account id:   ${r.provisioning?.accountId}`,
          `Account name: ${r.account.name}`,
          `OU:           ${ouLabel(r.account.ou)}`,
          `Sign in through IAM Identity Center as ${r.account.sso.email}.`,
          ...baselineLines(r),
          ...(isSimulated(r) ? ['', SANDBOX_NOTE] : []),
        ].join('\n'),
      };
    case 'fail':
      return {
        subject: truncate(`Failed: AWS account ${name}`),
        text: `${hi}\n\nprovisioning of ${name} (request ${r.id}) failed.\nWhy: ${r.provisioning?.failureReason ?? 'Account Factory reported a failure'}\n\nThe platform team has the details; once the cause is fixed, an operator can retry the request.${isSimulated(r) ? `\n\n${SANDBOX_NOTE}` : ''}`,
      };
    case 'expire':
      return {
        subject: truncate(`Expired: AWS account ${name}`),
        text: `${hi}\n\nnobody decided on your request ${r.id} before it expired, so it was closed. Ask again if you still need the account.`,
      };
    case 'cancel':
      return {
        subject: truncate(`Cancelled: AWS account ${name}`),
        text: `${hi}\n\nyour request ${r.id} is cancelled. Nothing was provisioned.`,
      };
    default:
      return undefined;
  }
}

/** What the requester of a move, close or extension hears. */
function accountLifeNews(event: string, r: AccountRequest): MessageText | undefined {
  const hi = `Hi ${r.requester.firstName},`;
  const what = askedFor(r);
  const sim = isSimulated(r) ? `\n\n${SANDBOX_NOTE}` : '';
  switch (event) {
    case 'create':
      return {
        subject: truncate(`Request ${r.id} received: ${what}`),
        text: `${hi}\n\n${r.audit[0]?.actor.door === 'system' ? 'the sandbox lease ended, so I asked for the account to be closed. ' : ''}The request is waiting for an approver.\n\n${summary(r)}`,
      };
    case 'approve':
      return { subject: truncate(`Approved: ${what}`), text: `${hi}\n\n${by(r)} approved the ${what} (request ${r.id}). I am on it.` };
    case 'deny':
      return {
        subject: truncate(`Denied: ${what}`),
        text: `${hi}\n\n${by(r)} denied the ${what} (request ${r.id}).\nReason: ${r.decision?.reason ?? 'none given'}`,
      };
    case 'requeue':
      return r.kind === 'close-account'
        ? {
            subject: truncate(`Waiting: ${what}`),
            text: `${hi}\n\nthe ${what} waits: ${r.audit.at(-1)?.reason ?? 'AWS Organizations cannot close more accounts now.'}`,
          }
        : undefined;
    case 'succeed':
      return {
        subject: truncate(`Done: ${what}`),
        text: `${hi}\n\n${r.audit.at(-1)?.reason ?? 'done'}.\n\n${summary(r)}${sim}`,
      };
    case 'fail':
      return {
        subject: truncate(`Failed: ${what}`),
        text: `${hi}\n\nthe ${what} (request ${r.id}) failed.\nWhy: ${r.provisioning?.failureReason ?? 'Account Factory reported a failure'}${sim}`,
      };
    case 'expire':
      return {
        subject: truncate(`Expired: ${what}`),
        text: `${hi}\n\nnobody decided on the ${what} (request ${r.id}) in time, so it was closed.`,
      };
    case 'cancel':
      return { subject: truncate(`Cancelled: ${what}`), text: `${hi}\n\nthe ${what} (request ${r.id}) is cancelled. Nothing was changed.` };
    default:
      return undefined;
  }
}

function by(r: AccountRequest): string {
  const d = r.decision;
  return d ? (d.by.name ?? d.by.email ?? d.by.id) : 'An approver';
}

/** SNS e-mail subjects: at most 100 characters, ASCII, no line breaks. */
export function truncate(subject: string): string {
  const clean = subject.replace(/[\r\n]+/g, ' ').replace(/[^\x20-\x7e]/g, '?');
  return clean.length <= 100 ? clean : `${clean.slice(0, 97)}...`;
}
