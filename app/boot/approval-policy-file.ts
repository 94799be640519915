import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError } from '../core/errors';
import { type ApprovalPolicy, CONFIGURED_APPROVERS, policySchema, problemsOf } from '../core/request/approval-policy';

/** Beside the source tree (app/boot/../..) or, in a Lambda bundle, beside the bundle (npm run bundle copies it). */
const SOURCE_TREE_POLICY = join(__dirname, '..', '..', 'manifest', 'approval-policy.yml');
export const DEFAULT_POLICY_PATH =
  [SOURCE_TREE_POLICY, join(__dirname, 'manifest', 'approval-policy.yml')].find(existsSync) ?? SOURCE_TREE_POLICY;

/** The approvers configured in the environment: the built-in group `approvers`. */
export interface ConfiguredApprovers {
  emails: readonly string[];
  slack: readonly string[];
}

/**
 * Reads and checks the approval policy file. A bad file stops start-up with a message that names
 * the key and its line ("rules.1.stages.0.quorum (line 14): ..."). The built-in group `approvers`
 * is the configured APPROVER_EMAILS and APPROVERS, unless the file defines a group of that name.
 */
export function loadApprovalPolicy(path: string, configured: ConfiguredApprovers): ApprovalPolicy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`Invalid setting APPROVAL_POLICY: cannot read ${path} (${(err as Error).message})`);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const where = (path: ReadonlyArray<PropertyKey>) => {
    const node = doc.getIn(path as unknown[], true) as { range?: [number, number] } | undefined;
    const line = node?.range ? lines.linePos(node.range[0]).line : undefined;
    return `${path.map(String).join('.') || '(top)'}${line ? ` (line ${line})` : ''}`;
  };
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw new ConfigError(`Invalid approval policy ${path}: line ${lines.linePos(e.pos[0]).line}: ${e.message.split('\n')[0]}`);
  }
  const result = policySchema.safeParse(doc.toJS());
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ConfigError(`Invalid approval policy ${path}: ${where(issue.path)}: ${issue.message}`);
  }
  const policy = result.data;
  policy.groups[CONFIGURED_APPROVERS] ??= { emails: [...configured.emails], slack: [...configured.slack], domains: [] };
  const [problem] = problemsOf(policy);
  if (problem) throw new ConfigError(`Invalid approval policy ${path}: ${where(problem.path)}: ${problem.message}`);
  return policy;
}
