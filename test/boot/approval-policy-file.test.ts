import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_POLICY_PATH, loadApprovalPolicy } from '../../app/boot/approval-policy-file';
import { describeRules } from '../../app/core/request/approval-policy';

const configured = { emails: ['approvers@example.com'], slack: ['UBOSS'] };
const dir = mkdtempSync(join(tmpdir(), 'vending-policy-file-'));
let n = 0;
const file = (yaml: string) => {
  const path = join(dir, `policy-${++n}.yml`);
  writeFileSync(path, yaml);
  return path;
};

describe('the approval policy file', () => {
  it('ships a default that behaves as before policies: one stage, any one of the configured approvers', () => {
    const policy = loadApprovalPolicy(DEFAULT_POLICY_PATH, configured);
    expect(policy.rules).toEqual([
      expect.objectContaining({ name: 'default', match: {}, stages: [{ approvers: ['approvers'], quorum: 1 }] }),
    ]);
    expect(policy.groups.approvers).toEqual({ emails: ['approvers@example.com'], slack: ['UBOSS'], domains: [] });
  });

  it('reads the README example and says its rules in words', () => {
    const policy = loadApprovalPolicy(join(__dirname, '..', '..', 'manifest', 'approval-policy.example.yml'), configured);
    expect(describeRules(policy)).toEqual([
      'Sandbox in Experiment, asked by platform: approved by policy',
      'Production: ccoe, then all of security',
      'Anything else: ccoe',
    ]);
  });

  it.each([
    [
      'an unknown key',
      'rules:\n  - name: x\n    match: {}\n    stages:\n      - { approvers: approvers, quorom: 1 }\n',
      /rules\.0\.stages\.0 \(line 5\): .*quorom/,
    ],
    [
      'a bad quorum',
      'rules:\n  - name: x\n    match: {}\n    stages:\n      - { approvers: approvers, quorum: 0 }\n',
      /rules\.0\.stages\.0\.quorum \(line 5\)/,
    ],
    [
      'a group that does not exist',
      'rules:\n  - name: x\n    match: {}\n    stages:\n      - { approvers: [secruity] }\n',
      /rules\.0\.stages\.0\.approvers \(line 5\): no group named "secruity"/,
    ],
    [
      'stages and autoApprove together',
      'rules:\n  - name: x\n    autoApprove: true\n    stages:\n      - { approvers: approvers }\n',
      /rules\.0 \(line 2\): a rule either approves by itself/,
    ],
    [
      'a bad e-mail in a group',
      'groups:\n  g: { emails: [jo@example..com] }\nrules:\n  - name: x\n    stages: [{ approvers: g }]\n',
      /groups\.g\.emails\.0 \(line 2\)/,
    ],
    ['broken YAML', 'rules:\n  - name: x\n   stages: [\n', /line \d+:/],
    ['no rules', 'groups: {}\n', /rules \(top\)|rules: /],
  ])('stops start-up on %s, naming the key and its line', (_what, yaml, message) => {
    expect(() => loadApprovalPolicy(file(yaml), configured)).toThrow(message);
  });

  it('lets the file define the approvers group itself', () => {
    const policy = loadApprovalPolicy(
      file('groups:\n  approvers: { emails: [lead@example.com] }\nrules:\n  - name: x\n    stages: [{ approvers: approvers }]\n'),
      configured,
    );
    expect(policy.groups.approvers.emails).toEqual(['lead@example.com']);
  });
});
