import { ValidationError } from '../errors';
import type { Product, ProductParameter } from './product';

/**
 * A product's parameters checked against the product's own constraints, as CloudFormation would
 * check them at launch, but before anything is stored: each problem is a 400 naming the parameter
 * and the constraint it breaks. Defaults fill what is not given.
 */

const MAX_VALUE_CHARACTERS = 4096;

export function checkParameters(product: Product, given: unknown): Record<string, string> {
  if (given !== undefined && (typeof given !== 'object' || given === null || Array.isArray(given)))
    throw new ValidationError('parameters', 'parameters must be a JSON object of parameter names to values');
  const values = (given ?? {}) as Record<string, unknown>;
  const known = new Set(product.parameters.map((p) => p.key));
  const unknown = Object.keys(values).find((k) => !known.has(k));
  if (unknown !== undefined)
    throw new ValidationError(
      `parameters.${unknown.slice(0, 60)}`,
      `${product.name} has no parameter "${unknown.slice(0, 60)}"; its parameters are ${[...known].join(', ') || 'none'}`,
    );
  const checked: Record<string, string> = {};
  for (const parameter of product.parameters) {
    const raw = values[parameter.key];
    const value = raw === undefined || raw === null || raw === '' ? parameter.default : stringOf(parameter, raw);
    if (value === undefined) throw new ValidationError(`parameters.${parameter.key}`, `${parameter.key} is required${hint(parameter)}`);
    const problem = problemWith(parameter, value);
    if (problem) throw new ValidationError(`parameters.${parameter.key}`, `${parameter.key} ${problem}`);
    checked[parameter.key] = value;
  }
  return checked;
}

function stringOf(parameter: ProductParameter, raw: unknown): string {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
  if (typeof raw === 'boolean') return String(raw);
  throw new ValidationError(`parameters.${parameter.key}`, `${parameter.key} must be a string (or a number)`);
}

const hint = (p: ProductParameter) => (p.description ? ` (${p.description})` : '');
const isNumeric = (p: ProductParameter) => p.type === 'Number' || p.type === 'List<Number>';

/** What is wrong with a value, in words, or undefined when nothing is. */
export function problemWith(parameter: ProductParameter, value: string): string | undefined {
  const c = parameter.constraints;
  const broken = (what: string) => (c.constraintDescription ? `${c.constraintDescription} (${what})` : what);
  if (value.length > MAX_VALUE_CHARACTERS) return `must be at most ${MAX_VALUE_CHARACTERS} characters`;
  const items = parameter.type.includes('List') ? value.split(',').map((v) => v.trim()) : [value];
  for (const item of items) {
    if (c.allowedValues?.length && !c.allowedValues.includes(item)) return broken(`must be one of ${c.allowedValues.join(', ')}`);
    if (isNumeric(parameter)) {
      const n = Number(item);
      if (item.trim() === '' || !Number.isFinite(n)) return broken('must be a number');
      if (c.minValue !== undefined && n < c.minValue) return broken(`must be at least ${c.minValue}`);
      if (c.maxValue !== undefined && n > c.maxValue) return broken(`must be at most ${c.maxValue}`);
    }
  }
  if (c.minLength !== undefined && value.length < c.minLength) return broken(`must be at least ${c.minLength} characters`);
  if (c.maxLength !== undefined && value.length > c.maxLength) return broken(`must be at most ${c.maxLength} characters`);
  if (c.allowedPattern && !matchesWhole(c.allowedPattern, value)) return broken(`must match the pattern ${c.allowedPattern}`);
  return undefined;
}

/** CloudFormation's AllowedPattern must match the whole value. A pattern JavaScript cannot read is left to the launch to check. */
function matchesWhole(pattern: string, value: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`, 'u').test(value);
  } catch {
    return true;
  }
}
