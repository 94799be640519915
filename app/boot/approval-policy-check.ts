import { ConfigError } from '../core/errors';
import { type ApprovalPolicy, CONFIGURED_APPROVERS, policySchema, problemsOf } from '../core/request/approval-policy';
import { checkData, type KeyLocator, keyPath } from './data-check';

/** The approvers configured in the environment: the built-in group `approvers`. */
export interface ConfiguredApprovers {
  emails: readonly string[];
  slack: readonly string[];
}

/**
 * Checks an approval policy document (the file's data, YAML or the bundle's pre-parsed JSON)
 * against its schema and its rules, with the built-in group `approvers` (the configured
 * APPROVER_EMAILS and APPROVERS) unless the document defines a group of that name. Apart from the
 * YAML reader (approval-policy-file.ts), so a Lambda bundle that ships the policy pre-parsed never
 * loads a YAML parser.
 */
export function checkApprovalPolicy(
  raw: unknown,
  configured: ConfiguredApprovers,
  source: string,
  where: KeyLocator = keyPath,
): ApprovalPolicy {
  const policy = checkData(policySchema, raw, 'approval policy', source, where);
  policy.groups[CONFIGURED_APPROVERS] ??= { emails: [...configured.emails], slack: [...configured.slack], domains: [] };
  const [problem] = problemsOf(policy);
  if (problem) throw new ConfigError(`Invalid approval policy ${source}: ${where(problem.path)}: ${problem.message}`);
  return policy;
}
