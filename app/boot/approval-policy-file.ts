import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ApprovalPolicy } from '../core/request/approval-policy';
import { policySchema } from '../core/request/approval-policy-schema';
import { type ConfiguredApprovers, withConfiguredApprovers } from './approval-policy-check';
import { checkData, type KeyLocator } from './data-check';
import { readYamlFile } from './yaml-file';

export type { ConfiguredApprovers } from './approval-policy-check';

/** Beside the source tree (app/boot/../..) or, in a Lambda bundle, beside the bundle (npm run bundle copies it). */
const SOURCE_TREE_POLICY = join(__dirname, '..', '..', 'manifest', 'approval-policy.yml');
export const DEFAULT_POLICY_PATH =
  [SOURCE_TREE_POLICY, join(__dirname, 'manifest', 'approval-policy.yml')].find(existsSync) ?? SOURCE_TREE_POLICY;

/** Reads the approval policy file and checks it against its schema (the groups its rules name are checked by loadApprovalPolicy). */
export function readApprovalPolicy(path: string): { policy: ApprovalPolicy; where: KeyLocator } {
  const { data, where } = readYamlFile(path, 'APPROVAL_POLICY', 'approval policy');
  return { policy: checkData(policySchema, data, 'approval policy', path, where), where };
}

/**
 * Reads and checks the approval policy file. A bad file stops start-up with a message that names
 * the key and its line ("rules.1.stages.0.quorum (line 14): ..."). The built-in group `approvers`
 * is the configured APPROVER_EMAILS and APPROVERS, unless the file defines a group of that name.
 */
export function loadApprovalPolicy(path: string, configured: ConfiguredApprovers): ApprovalPolicy {
  const { policy, where } = readApprovalPolicy(path);
  return withConfiguredApprovers(policy, configured, path, where);
}
