import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError } from '../core/errors';
import { type KeyLocator, keyPath } from './data-check';

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
