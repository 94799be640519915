import { ForbiddenError, ValidationError } from '../errors';
import type { AccountRequest } from '../request/account-request';
import { type ApprovalPolicy, approversOf, factsOf, informedOf, isAmong, ruleFor, type UsergroupMembers } from '../request/approval-policy';
import { type ApprovalRecord, requesterAsPerson } from '../request/approval-stages';

/**
 * The approvals a new request will go through, from the policy, at the moment it is made (a copy:
 * later edits of the policy file change no request in flight). Refuses a requester the rule does
 * not let ask, and a rule whose stage could never reach its quorum; nothing is stored then.
 */
export async function planApproval(
  policy: ApprovalPolicy,
  request: Pick<AccountRequest, 'kind' | 'account' | 'requester' | 'product'>,
  usergroups?: UsergroupMembers,
): Promise<ApprovalRecord> {
  const requester = requesterAsPerson(request.requester);
  const rule = await ruleFor(policy, factsOf(request), requester, usergroups);
  if (!rule) throw new ForbiddenError('No rule of the approval policy applies to this request; ask the platform team.');
  if (rule.requesters && !(await isAmong(requester, approversOf(policy, rule.requesters), usergroups))) {
    throw new ForbiddenError(`Only ${rule.requesters.join(' or ')} may ask for this (approval rule ${rule.name}).`);
  }
  const lease = rule.leaseDays !== undefined ? { leaseDays: rule.leaseDays } : {};
  if (rule.autoApprove)
    return {
      rule: rule.name,
      autoApproved: true,
      informed: approversOf(policy, informedOf(policy, rule)),
      stages: [],
      current: 0,
      ...lease,
    };
  const me = request.requester.email.toLowerCase();
  const stages = rule.stages.map((s, i) => {
    const approvers = approversOf(policy, s.approvers);
    // Only named people can be counted; domains and Slack user groups may hold any number.
    const open = approvers.domains.length > 0 || approvers.slackUsergroups.length > 0;
    const named =
      approvers.emails.filter((e) => e !== me).length || approvers.slack.filter((id) => id !== request.requester.slackUserId).length;
    if (!open && typeof s.quorum === 'number' && named < s.quorum) {
      throw new ValidationError(
        'approvers',
        `The approval policy (rule ${rule.name}, stage ${i + 1}) needs ${s.quorum} approvers from ${s.approvers.join(' or ')}, but only ${named} can decide on your request.`,
      );
    }
    return { approvers, quorum: s.quorum, approvals: [] };
  });
  return { rule: rule.name, stages, current: 0, ...lease };
}
