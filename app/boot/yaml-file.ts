import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../core/errors';

/** Where a key is, as an error message says it ("rules.1.stages.0.quorum (line 14)" when the file's lines are known). */
export type KeyLocator = (path: ReadonlyArray<PropertyKey>) => string;
export const keyPath: KeyLocator = (path) => path.map(String).join('.') || '(top)';

/**
 * Reads a YAML data file named by a setting: its data, and where each key is for error messages.
 * A file that cannot be read or parsed stops start-up with the setting, the file and the line.
 */
export function readYamlFile(path: string, setting: string, what: string): { data: unknown; where: KeyLocator } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`Invalid setting ${setting}: cannot read ${path} (${(err as Error).message})`);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw new ConfigError(`Invalid ${what} ${path}: line ${lines.linePos(e.pos[0]).line}: ${e.message.split('\n')[0]}`);
  }
  const where: KeyLocator = (keys) => {
    const node = doc.getIn(keys as unknown[], true) as { range?: [number, number] } | undefined;
    const line = node?.range ? lines.linePos(node.range[0]).line : undefined;
    return `${keyPath(keys)}${line ? ` (line ${line})` : ''}`;
  };
  return { data: doc.toJS(), where };
}

/** Checks data against a schema; the first issue stops start-up naming the key (and its line). */
export function checkData<T extends z.ZodType>(
  schema: T,
  data: unknown,
  what: string,
  source: string,
  where: KeyLocator = keyPath,
): z.output<T> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new ConfigError(`Invalid ${what} ${source}: ${where(issue.path)}: ${issue.message}`);
}
