import { ConfigError } from '../core/errors';
import { type ApprovalPolicy, CONFIGURED_APPROVERS, policySchema, problemsOf } from '../core/request/approval-policy';

/** The approvers configured in the environment: the built-in group `approvers`. */
export interface ConfiguredApprovers {
  emails: readonly string[];
  slack: readonly string[];
}

/** Where a key is, as an error message says it ("rules.1.stages.0.quorum (line 14)" when the file's lines are known). */
export type KeyLocator = (path: ReadonlyArray<PropertyKey>) => string;
const keyPath: KeyLocator = (path) => path.map(String).join('.') || '(top)';

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
  const result = policySchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ConfigError(`Invalid approval policy ${source}: ${where(issue.path)}: ${issue.message}`);
  }
  const policy = result.data;
  policy.groups[CONFIGURED_APPROVERS] ??= { emails: [...configured.emails], slack: [...configured.slack], domains: [] };
  const [problem] = problemsOf(policy);
  if (problem) throw new ConfigError(`Invalid approval policy ${source}: ${where(problem.path)}: ${problem.message}`);
  return policy;
}
