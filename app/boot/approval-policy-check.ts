import { ConfigError } from '../core/errors';
import { type ApprovalPolicy, CONFIGURED_APPROVERS, problemsOf } from '../core/request/approval-policy';
import { type KeyLocator, keyPath } from './data-check';

/** The approvers configured in the environment: the built-in group `approvers`. */
export interface ConfiguredApprovers {
  emails: readonly string[];
  slack: readonly string[];
}

/**
 * Completes a policy its schema has passed (approval-policy-file.ts checks a file; `npm run
 * bundle` the pre-parsed JSON a Lambda bundle ships) for this environment: the built-in group
 * `approvers` is the configured APPROVER_EMAILS and APPROVERS unless the policy defines a group of
 * that name, and then every group a rule names must exist. Apart from the schema and the YAML
 * reader, so a Lambda function loads neither.
 */
export function withConfiguredApprovers(
  policy: ApprovalPolicy,
  configured: ConfiguredApprovers,
  source: string,
  where: KeyLocator = keyPath,
): ApprovalPolicy {
  policy.groups[CONFIGURED_APPROVERS] ??= { emails: [...configured.emails], slack: [...configured.slack], domains: [] };
  const [problem] = problemsOf(policy);
  if (problem) throw new ConfigError(`Invalid approval policy ${source}: ${where(problem.path)}: ${problem.message}`);
  return policy;
}
