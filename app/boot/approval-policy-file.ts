import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError } from '../core/errors';
import type { ApprovalPolicy } from '../core/request/approval-policy';
import { type ConfiguredApprovers, checkApprovalPolicy } from './approval-policy-check';

export type { ConfiguredApprovers } from './approval-policy-check';

/** Beside the source tree (app/boot/../..) or, in a Lambda bundle, beside the bundle (npm run bundle copies it). */
const SOURCE_TREE_POLICY = join(__dirname, '..', '..', 'manifest', 'approval-policy.yml');
export const DEFAULT_POLICY_PATH =
  [SOURCE_TREE_POLICY, join(__dirname, 'manifest', 'approval-policy.yml')].find(existsSync) ?? SOURCE_TREE_POLICY;

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
  return checkApprovalPolicy(doc.toJS(), configured, path, where);
}
