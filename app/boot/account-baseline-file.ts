import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BaselineConfig } from '../core/request/account-baseline';
import { baselineSchema } from '../core/request/account-baseline-schema';
import { checkData } from './data-check';
import { readYamlFile } from './yaml-file';

/** Beside the source tree or, in a Lambda bundle, beside the bundle (npm run bundle copies it). */
const SOURCE_TREE_BASELINE = join(__dirname, '..', '..', 'manifest', 'account-baseline.yml');
export const DEFAULT_BASELINE_PATH =
  [SOURCE_TREE_BASELINE, join(__dirname, 'manifest', 'account-baseline.yml')].find(existsSync) ?? SOURCE_TREE_BASELINE;

/** Reads and checks the account baseline file (ACCOUNT_BASELINE); a bad file stops start-up naming the key and line. */
export function loadAccountBaseline(path: string = DEFAULT_BASELINE_PATH): BaselineConfig {
  const { data, where } = readYamlFile(path, 'ACCOUNT_BASELINE', 'account baseline');
  return checkData(baselineSchema, data ?? {}, 'account baseline', path, where);
}
