/**
 * `npm run policy -- check`: validates the approval policy file (APPROVAL_POLICY, default
 * manifest/approval-policy.yml), as the server does at start.
 * `npm run policy -- explain --type Production --ou Demos --requester someone@example.com [--kind new-account] [--slack U0123]`:
 * which rule applies to such a request, its stages and their people, without starting the server.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_POLICY_PATH, loadApprovalPolicy } from '../app/boot/approval-policy-file';
import { loadConfig } from '../app/boot/config';
import { DomainError, VendingError } from '../app/core/errors';
import { REQUEST_KINDS, type RequestKind } from '../app/core/request/account-request';
import type { ApprovalPolicy } from '../app/core/request/approval-policy';
import { approvalSummary } from '../app/core/request/approval-stages';
import { resolveOu } from '../app/core/request/organizational-units';
import { accountTypeSchema, check } from '../app/core/request/validation';
import { planApproval } from '../app/core/use-cases/approval-plan';

const USAGE =
  'usage: npm run policy -- check | explain --type <Production|Sandbox> --ou <OU> --requester <e-mail> [--kind new-account] [--slack <user id>]';

export async function main(argv: string[], out: (line: string) => void = console.log): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      kind: { type: 'string', default: 'new-account' },
      type: { type: 'string' },
      ou: { type: 'string' },
      requester: { type: 'string' },
      slack: { type: 'string' },
    },
  });
  const config = loadConfig();
  const path = config.APPROVAL_POLICY ?? DEFAULT_POLICY_PATH;
  const policy = loadApprovalPolicy(path, { emails: config.APPROVER_EMAILS, slack: config.APPROVERS });
  if (positionals[0] === 'check') {
    out(
      `${path}: valid (${Object.keys(policy.groups).length} groups, ${policy.rules.length} rules: ${policy.rules.map((r) => r.name).join(', ')})`,
    );
    return 0;
  }
  if (positionals[0] !== 'explain' || !values.type || !values.ou || !values.requester) {
    out(USAGE);
    return 2;
  }
  if (!(REQUEST_KINDS as readonly string[]).includes(values.kind ?? ''))
    throw new DomainError(`--kind must be one of ${REQUEST_KINDS.join(', ')}`);
  await explain(
    policy,
    config.organizationalUnits,
    { kind: values.kind as RequestKind, type: values.type, ou: values.ou, requester: values.requester, slack: values.slack },
    out,
  );
  return 0;
}

async function explain(
  policy: ApprovalPolicy,
  ous: Parameters<typeof resolveOu>[1],
  ask: { kind: RequestKind; type: string; ou: string; requester: string; slack?: string },
  out: (line: string) => void,
): Promise<void> {
  const requester = {
    id: ask.requester,
    email: ask.requester,
    firstName: 'Someone',
    lastName: 'Asking',
    ...(ask.slack ? { slackUserId: ask.slack } : {}),
  };
  const account = {
    name: '',
    email: requester.email,
    type: check(accountTypeSchema, 'type', ask.type),
    ou: resolveOu(ask.ou, ous),
    sso: requester,
  };
  const plan = await planApproval(policy, { kind: ask.kind, account, requester });
  out(`rule:    ${plan.rule}`);
  out(`outcome: ${approvalSummary(plan)}`);
  if (plan.autoApproved) out(`told:    ${[...(plan.informed?.emails ?? []), ...(plan.informed?.slack ?? [])].join(', ') || 'nobody'}`);
  plan.stages.forEach((s, i) => {
    const people = [
      ...s.approvers.emails,
      ...s.approvers.slack,
      ...s.approvers.domains.map((d) => `*@${d}`),
      ...s.approvers.slackUsergroups.map((g) => `Slack user group ${g}`),
    ];
    out(`stage ${i + 1}: ${s.approvers.groups.join(' or ')}, quorum ${s.quorum}: ${people.join(', ') || 'nobody'}`);
  });
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(err instanceof VendingError ? err.message : err);
      process.exit(err instanceof VendingError ? 1 : 3);
    },
  );
}
