import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_BASELINE_PATH, loadAccountBaseline } from '../../app/boot/account-baseline-file';

const write = (text: string) => {
  const path = join(mkdtempSync(join(tmpdir(), 'baseline-')), 'account-baseline.yml');
  writeFileSync(path, text);
  return path;
};

describe('the account baseline file', () => {
  it('ships a default with tags and a budget, and an example with every part', () => {
    expect(loadAccountBaseline(DEFAULT_BASELINE_PATH)).toEqual({
      tags: { 'managed-by': 'account-vending-bot' },
      budget: { monthlyUsd: { Sandbox: 100, Production: 1000 }, alertAtPercent: 80 },
    });
    const example = loadAccountBaseline(join(__dirname, '..', '..', 'manifest', 'account-baseline.example.yml'));
    expect(Object.keys(example).sort()).toEqual(['access', 'alternateContacts', 'budget', 'tags']);
    expect(example.access?.to).toBe('requester');
  });

  it('takes an empty file as tags only', () => {
    expect(loadAccountBaseline(write(''))).toEqual({ tags: {} });
  });

  it('stops with the key and line of a bad value', () => {
    const path = write('tags:\n  team: payments\nbudget:\n  monthlyUsd: { Sandbox: -5 }\n');
    expect(() => loadAccountBaseline(path)).toThrow(`Invalid account baseline ${path}: budget.monthlyUsd.Sandbox (line 4): Too small`);
  });

  it('refuses tags Organizations would refuse, and unknown keys', () => {
    expect(() => loadAccountBaseline(write('tags:\n  "aws:owner": me\n'))).toThrow(/tags\.aws:owner.*\(line 2\): .*not aws:/);
    expect(() => loadAccountBaseline(write('budgets: {}\n'))).toThrow(/\(top\) \(line 1\): Unrecognized key: "budgets"/);
  });

  it('says which file could not be read', () => {
    expect(() => loadAccountBaseline('/nonexistent/account-baseline.yml')).toThrow(
      'Invalid setting ACCOUNT_BASELINE: cannot read /nonexistent/account-baseline.yml',
    );
  });
});
