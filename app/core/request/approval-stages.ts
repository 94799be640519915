import type { Actor, Requester } from './account-request';
import type { Approvers, Person, UsergroupMembers } from './approval-policy';
import { isAmong } from './approval-policy';

/**
 * A request's approvals as its rule laid them out when it was created: stages in order, each
 * with a copy of its approvers and a quorum (a number, or `all`). The requester never counts, and
 * one person counts in one stage only.
 */

export interface StageApproval {
  /** Who counted: their e-mail (lower case), or `slack:<id>` when their door knows no e-mail. */
  person: string;
  by: Actor;
  at: string;
}

export interface Stage {
  approvers: Approvers;
  quorum: number | 'all';
  approvals: StageApproval[];
}

export interface ApprovalRecord {
  /** The rule of the policy that applied (recorded when the request was made). */
  rule: string;
  /** The rule approved the request by itself. */
  autoApproved?: boolean;
  /** Told for information when the policy approved by itself. */
  informed?: Approvers;
  stages: Stage[];
  /** The rule's lease for sandbox accounts, in days (0: none), when it sets one (else SANDBOX_LEASE_DAYS). */
  leaseDays?: number;
  /** The stage being waited for; stages.length once all are done. */
  current: number;
}

export const personOf = (p: Actor): string => (p.email ? p.email.toLowerCase() : `slack:${p.id}`);
export const asPerson = (a: Actor): Person => ({ email: a.email, slackUserId: a.door === 'slack' ? a.id : undefined });
export const requesterAsPerson = (r: Requester): Person => ({ email: r.email, slackUserId: r.slackUserId });

const counted = (record: ApprovalRecord) => new Set(record.stages.flatMap((s) => s.approvals.map((a) => a.person)));

/**
 * The people whose approval a stage still needs, when they can be named: for `all`, every
 * e-mail of the stage (or its Slack ids when it has no e-mail) but the requester and those who
 * counted in another stage; undefined for a number (any `quorum` of the stage's people will do).
 */
function stillNeeded(record: ApprovalRecord, index: number, requester: Requester): string[] | undefined {
  const stage = record.stages[index];
  if (stage.quorum !== 'all') return undefined;
  const people = stage.approvers.emails.length > 0 ? stage.approvers.emails : stage.approvers.slack.map((id) => `slack:${id}`);
  const elsewhere = new Set(record.stages.flatMap((s, i) => (i === index ? [] : s.approvals.map((a) => a.person))));
  const mine = new Set(stage.approvals.map((a) => a.person));
  const isRequester = (p: string) => p === requester.email.toLowerCase() || p === `slack:${requester.slackUserId}`;
  return people.filter((p) => !isRequester(p) && !elsewhere.has(p) && !mine.has(p));
}

export function isComplete(record: ApprovalRecord, index: number, requester: Requester): boolean {
  const stage = record.stages[index];
  if (stage.quorum === 'all') return (stillNeeded(record, index, requester) ?? []).length === 0;
  return stage.approvals.length >= stage.quorum;
}

/** Why someone may not decide now: an approver at another moment, or no approver of this request at all. */
export interface Refusal {
  approver: boolean;
  message: string;
}

/** Why `actor` may not decide now, or undefined when they may (they are in the current stage, and have not counted). */
export async function refusalOf(record: ApprovalRecord, actor: Actor, usergroups?: UsergroupMembers): Promise<Refusal | undefined> {
  const person = asPerson(actor);
  const done = record.stages.findIndex((s) => s.approvals.some((a) => a.person === personOf(actor)));
  if (done >= 0) return { approver: true, message: `You already approved this request at stage ${done + 1}; each person counts once.` };
  const current = record.stages[record.current];
  if (current && (await isAmong(person, current.approvers, usergroups))) return undefined;
  for (let i = 0; i < record.stages.length; i++) {
    if (i === record.current || !(await isAmong(person, record.stages[i].approvers, usergroups))) continue;
    const now = current ? `; it waits for ${groupsOf(current)} now` : '';
    const message =
      i < record.current
        ? `Stage ${i + 1} (${groupsOf(record.stages[i])}) is already complete${now}. Nothing was changed.`
        : `Your turn comes at stage ${i + 1}, after ${groupsOf(current)} ${current.quorum === 'all' ? 'all approve' : 'approve'}. Nothing was changed.`;
    return { approver: true, message };
  }
  return { approver: false, message: `${actor.name ?? actor.email ?? actor.id} is not an approver of this request (rule ${record.rule}).` };
}

/** The record with `actor`'s approval counted in the current stage, and the next stage begun when this one is complete. */
export function withApproval(
  record: ApprovalRecord,
  actor: Actor,
  at: string,
  requester: Requester,
): { record: ApprovalRecord; stageDone: boolean; allDone: boolean } {
  const stages = record.stages.map((s, i) =>
    i === record.current ? { ...s, approvals: [...s.approvals, { person: personOf(actor), by: actor, at }] } : s,
  );
  const next = { ...record, stages };
  const stageDone = isComplete(next, record.current, requester);
  if (stageDone) next.current = record.current + 1;
  return { record: next, stageDone, allDone: next.current >= stages.length };
}

/** The e-mail addresses to ask now: the current stage's, but the requester and those who already counted. */
export function emailsToAsk(record: ApprovalRecord, requester: Requester): string[] {
  const stage = record.stages[record.current];
  if (!stage) return [];
  const done = counted(record);
  return stage.approvers.emails.filter((e) => e !== requester.email.toLowerCase() && !done.has(e));
}

/** Who the request waits for now, in words for people ("ana@example.com, <@U0SEC>" or "any 1 of ccoe"). */
export function waitingFor(
  record: ApprovalRecord,
  requester: Requester,
): { stage: number; groups: string[]; people: string[]; quorum: number | 'all' } | undefined {
  const stage = record.stages[record.current];
  if (!stage) return undefined;
  const done = counted(record);
  const people =
    stillNeeded(record, record.current, requester) ??
    [...stage.approvers.emails, ...stage.approvers.slack.map((id) => `slack:${id}`)].filter(
      (p) => !done.has(p) && p !== requester.email.toLowerCase(),
    );
  return { stage: record.current + 1, groups: stage.approvers.groups, people, quorum: stage.quorum };
}

/** Each stage with its state, who approved and who is awaited: what GET /requests/:id and the approvers see. */
export function stagesView(record: ApprovalRecord, requester: Requester) {
  return record.stages.map((s, i) => ({
    stage: i + 1,
    groups: s.approvers.groups,
    quorum: s.quorum,
    state: i < record.current ? ('done' as const) : i === record.current ? ('current' as const) : ('waiting' as const),
    approvedBy: s.approvals.map((a) => ({
      person: a.person,
      id: a.by.id,
      name: a.by.name ?? a.by.email ?? a.by.id,
      door: a.by.door,
      at: a.at,
    })),
    slackUsergroups: s.approvers.slackUsergroups,
    ...(i === record.current
      ? { waitingFor: waitingFor(record, requester)?.people ?? [], waitingForSlack: slackAwaited(record, s, requester) }
      : {}),
  }));
}

const groupsOf = (s: Stage) => s.approvers.groups.join(' or ');

/** The Slack users of a stage who have not counted yet (to tag them), but the requester. */
function slackAwaited(record: ApprovalRecord, stage: Stage, requester: Requester): string[] {
  const counted = new Set(record.stages.flatMap((s) => s.approvals.filter((a) => a.by.door === 'slack').map((a) => a.by.id)));
  return stage.approvers.slack.filter((id) => id !== requester.slackUserId && !counted.has(id));
}

/** Who will decide, in plain words: "approved by policy sandbox-self-service", or "needs approval from ccoe, then all of security". */
export function approvalSummary(record: Pick<ApprovalRecord, 'rule' | 'autoApproved' | 'stages'>): string {
  if (record.autoApproved) return `approved by policy ${record.rule}`;
  const stage = (s: Stage) => `${s.quorum === 'all' ? 'all of ' : s.quorum > 1 ? `${s.quorum} of ` : ''}${groupsOf(s)}`;
  return `needs approval from ${record.stages.map(stage).join(', then ')}`;
}
