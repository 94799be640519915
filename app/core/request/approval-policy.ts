import type * as z from 'zod';
import type { AccountRequest, RequestKind } from './account-request';
import type { groupSchema, policySchema, ruleSchema } from './approval-policy-schema';

/** The approval policy (its file's schema: approval-policy-schema.ts): whom a request goes to, and who may decide. */
export type Group = z.output<typeof groupSchema>;
export type Rule = z.output<typeof ruleSchema>;
export type ApprovalPolicy = z.output<typeof policySchema>;

/** The group the shipped policy uses: the approvers configured in APPROVER_EMAILS and APPROVERS. */
export const CONFIGURED_APPROVERS = 'approvers';

/** Someone the policy is asked about: a requester or an approver, by what their door knows. */
export interface Person {
  email?: string;
  slackUserId?: string;
}

/** Members of Slack user groups, when the Slack door is on (the policy asks only for the groups it names). */
export type UsergroupMembers = (usergroup: string) => Promise<readonly string[]>;

/** The group's people as a stage keeps them (a copy, so later edits of the file change no request in flight). */
export interface Approvers {
  groups: string[];
  emails: string[];
  slack: string[];
  domains: string[];
  slackUsergroups: string[];
}

/** Checks the cross-references a schema cannot: every group a rule names exists. */
export function problemsOf(policy: ApprovalPolicy): Array<{ path: Array<string | number>; message: string }> {
  const problems: Array<{ path: Array<string | number>; message: string }> = [];
  const known = (name: string, path: Array<string | number>) => {
    if (!policy.groups[name])
      problems.push({ path, message: `no group named "${name}" (groups: ${Object.keys(policy.groups).join(', ') || 'none'})` });
  };
  policy.rules.forEach((rule, r) => {
    for (const g of rule.match.requester ?? []) known(g, ['rules', r, 'match', 'requester']);
    for (const g of rule.requesters ?? []) known(g, ['rules', r, 'requesters']);
    for (const g of rule.inform ?? []) known(g, ['rules', r, 'inform']);
    rule.stages.forEach((stage, s) => {
      for (const g of stage.approvers) known(g, ['rules', r, 'stages', s, 'approvers']);
    });
  });
  return problems;
}

/** Everyone in these groups, merged. */
export function approversOf(policy: ApprovalPolicy, groups: readonly string[]): Approvers {
  const of = (pick: (g: Group) => readonly string[]) => [...new Set(groups.flatMap((name) => [...pick(policy.groups[name] ?? EMPTY)]))];
  return {
    groups: [...groups],
    emails: of((g) => g.emails.map((e) => e.toLowerCase())),
    slack: of((g) => g.slack),
    domains: of((g) => g.domains.map((d) => d.toLowerCase())),
    slackUsergroups: of((g) => (g.slackUsergroup ? [g.slackUsergroup] : [])),
  };
}

const EMPTY: Group = { emails: [], slack: [], domains: [] };

/** True when `person` is one of `approvers` (by e-mail, domain, Slack id, or Slack user group). */
export async function isAmong(person: Person, approvers: Approvers, usergroups?: UsergroupMembers): Promise<boolean> {
  const email = person.email?.toLowerCase();
  if (email && (approvers.emails.includes(email) || approvers.domains.includes(email.split('@')[1] ?? ''))) return true;
  const slack = person.slackUserId;
  if (!slack) return false;
  if (approvers.slack.includes(slack)) return true;
  for (const usergroup of approvers.slackUsergroups) if ((await usergroups?.(usergroup))?.includes(slack)) return true;
  return false;
}

/** What a request shows the policy: its kind and the facts its rules match on. */
export interface PolicyFacts {
  kind: RequestKind;
  accountType?: string;
  ou?: string;
  product?: string;
}

export const factsOf = (r: Pick<AccountRequest, 'kind' | 'account' | 'product'>): PolicyFacts => ({
  kind: r.kind,
  accountType: r.account.type,
  ou: r.account.ou.name,
  ...(r.product ? { product: r.product.name } : {}),
});

/** The first rule whose `match` fits (names compared case-insensitively); undefined when none does. */
export async function ruleFor(
  policy: ApprovalPolicy,
  facts: PolicyFacts,
  requester: Person,
  usergroups?: UsergroupMembers,
): Promise<Rule | undefined> {
  const same = (a?: string, b?: string) => !!a && !!b && a.toLowerCase() === b.toLowerCase();
  for (const rule of policy.rules) {
    const m = rule.match;
    if (m.kind && m.kind !== facts.kind) continue;
    if (m.accountType && !same(m.accountType, facts.accountType)) continue;
    if (m.ou && !m.ou.some((ou) => same(ou, facts.ou))) continue;
    if (m.product && !m.product.some((p) => same(p, facts.product))) continue;
    if (m.requester && !(await isAmong(requester, approversOf(policy, m.requester), usergroups))) continue;
    return rule;
  }
  return undefined;
}

/** Who is told of an auto-approved request: its `inform` groups, else the first stage of the last rule that has stages. */
export function informedOf(policy: ApprovalPolicy, rule: Rule): string[] {
  if (rule.inform) return rule.inform;
  const fallback = [...policy.rules].reverse().find((r) => r.stages.length > 0);
  return fallback?.stages[0]?.approvers ?? [];
}

/** Each rule in words, for people about to ask: "Production: ccoe, then all of security". */
export function describeRules(policy: ApprovalPolicy): string[] {
  return policy.rules.map((rule) => {
    const m = rule.match;
    const what = [m.accountType, m.kind && m.kind !== 'new-account' ? m.kind : undefined].filter(Boolean).join(' ') || 'anything';
    const where = m.ou ? ` in ${m.ou.join(' or ')}` : '';
    const who = m.requester ? `, asked by ${m.requester.join(' or ')}` : '';
    const stage = (s: Rule['stages'][number]) =>
      `${s.quorum === 'all' ? 'all of ' : s.quorum > 1 ? `${s.quorum} of ` : ''}${s.approvers.join(' or ')}`;
    const outcome = rule.autoApprove ? 'approved by policy' : rule.stages.map(stage).join(', then ');
    return `${what === 'anything' && !where && !who ? 'Anything else' : `${what}${where}${who}`}: ${outcome}`;
  });
}
