import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BotModel } from '../core/bot-model';
import type { BaselineConfig } from '../core/request/account-baseline';
import type { ApprovalPolicy } from '../core/request/approval-policy';
import { withConfiguredApprovers } from './approval-policy-check';
import type { Config } from './config';

/**
 * The data files the app runs on: the bot model, the approval policy and the account baseline. A Lambda bundle ships
 * them pre-parsed: `npm run bundle` checks the three files in manifest/ and writes their data as
 * JSON beside the bundle (dist/lambda/manifest/*.json), so a cold start reads JSON instead of
 * parsing YAML (and checking the bot model and the baseline again) and never loads the YAML
 * parser nor the files' schemas; only the policy's groups are checked again, for this environment's approvers. Anywhere else (the
 * source tree, or BOT_MODEL_PATH / APPROVAL_POLICY / ACCOUNT_BASELINE naming a file) the YAML
 * files are read and checked (bot-model-file.ts, approval-policy-file.ts, account-baseline-file.ts).
 */
export const PREBUILT_MANIFESTS = {
  botModel: 'bot.json',
  approvalPolicy: 'approval-policy.json',
  accountBaseline: 'account-baseline.json',
} as const;

/** Beside the bundle: dist/lambda/manifest (in the source tree, app/boot/manifest, which does not exist). */
const PREBUILT_DIR = join(__dirname, 'manifest');

export async function loadManifests(
  config: Pick<Config, 'APPROVAL_POLICY' | 'ACCOUNT_BASELINE' | 'APPROVER_EMAILS' | 'APPROVERS'>,
  env: Record<string, string | undefined> = process.env,
): Promise<{ model: BotModel; policy: ApprovalPolicy; baseline: BaselineConfig }> {
  const configured = { emails: config.APPROVER_EMAILS, slack: config.APPROVERS };
  const prebuiltModel = join(PREBUILT_DIR, PREBUILT_MANIFESTS.botModel);
  const model: BotModel =
    !env.BOT_MODEL_PATH && existsSync(prebuiltModel)
      ? (JSON.parse(readFileSync(prebuiltModel, 'utf8')) as BotModel) // checked by npm run bundle
      : (await import('./bot-model-file')).loadBotModel();
  const prebuiltPolicy = join(PREBUILT_DIR, PREBUILT_MANIFESTS.approvalPolicy);
  let policy: ApprovalPolicy;
  if (!config.APPROVAL_POLICY && existsSync(prebuiltPolicy)) {
    // Checked by npm run bundle and written as checked; its groups are checked again here, since the built-in group `approvers` comes from this environment's settings.
    policy = withConfiguredApprovers(JSON.parse(readFileSync(prebuiltPolicy, 'utf8')) as ApprovalPolicy, configured, prebuiltPolicy);
  } else {
    const { DEFAULT_POLICY_PATH, loadApprovalPolicy } = await import('./approval-policy-file');
    policy = loadApprovalPolicy(config.APPROVAL_POLICY ?? DEFAULT_POLICY_PATH, configured);
  }
  const prebuiltBaseline = join(PREBUILT_DIR, PREBUILT_MANIFESTS.accountBaseline);
  const baseline: BaselineConfig =
    !config.ACCOUNT_BASELINE && existsSync(prebuiltBaseline)
      ? (JSON.parse(readFileSync(prebuiltBaseline, 'utf8')) as BaselineConfig) // checked by npm run bundle, and written as checked
      : (await import('./account-baseline-file')).loadAccountBaseline(config.ACCOUNT_BASELINE);
  return { model, policy, baseline };
}
