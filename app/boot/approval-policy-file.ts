import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ApprovalPolicy } from '../core/request/approval-policy';
import { type ConfiguredApprovers, checkApprovalPolicy } from './approval-policy-check';
import { readYamlFile } from './yaml-file';

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
  const { data, where } = readYamlFile(path, 'APPROVAL_POLICY', 'approval policy');
  return checkApprovalPolicy(data, configured, path, where);
}
