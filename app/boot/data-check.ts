import type * as z from 'zod';
import { ConfigError } from '../core/errors';

/** Where a key is, as an error message says it ("rules.1.stages.0.quorum (line 14)" when the file's lines are known). */
export type KeyLocator = (path: ReadonlyArray<PropertyKey>) => string;
export const keyPath: KeyLocator = (path) => path.map(String).join('.') || '(top)';

/**
 * Checks a data file's data (YAML, or a bundle's pre-parsed JSON) against its schema; the first
 * issue stops start-up naming the key (and its line). Apart from the YAML reader, so a Lambda
 * bundle that ships its data as JSON never loads a YAML parser.
 */
export function checkData<T extends z.ZodType>(
  schema: T,
  data: unknown,
  what: string,
  source: string,
  where: KeyLocator = keyPath,
): z.output<T> {
  // Checked once: zod's compiled fast path (new Function per object schema) costs more to build than it saves.
  const result = schema.safeParse(data, { jitless: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new ConfigError(`Invalid ${what} ${source}: ${where(issue.path)}: ${issue.message}`);
}
