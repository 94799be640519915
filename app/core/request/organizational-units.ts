import { ValidationError } from '../errors';
import type { OrganizationalUnit } from './account-request';

/**
 * Which organizational units accounts may go into: configured (ORGANIZATIONAL_UNITS, or the CDK
 * context's organizationalUnits), these by default, and checked here whatever the door.
 */
export const DEFAULT_ORGANIZATIONAL_UNITS: readonly string[] = ['Experiment', 'Demos'];

const OU_ID = /^ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}$/;
const OU_LABEL = /^\s*([^()]+?)\s*(?:\(\s*([^)]*?)\s*\))?\s*$/;

/** Parses `Name` or `Name (ou-xxxx-xxxxxxxx)`; used for the configured list and for input alike. */
export function parseOuLabel(label: string): OrganizationalUnit | undefined {
  const m = OU_LABEL.exec(label);
  if (!m) return undefined;
  const id = m[2]?.toLowerCase();
  if (m[2] !== undefined && !OU_ID.test(id ?? '')) return undefined;
  return id ? { name: m[1], id } : { name: m[1] };
}

/** Resolves an OU the user typed against the configured list, case-insensitively. */
export function resolveOu(input: string, allowed: readonly OrganizationalUnit[]): OrganizationalUnit {
  const names = allowed.map((o) => o.name).join(', ');
  const parsed = parseOuLabel(input);
  const ou = parsed && allowed.find((o) => o.name.toLowerCase() === parsed.name.toLowerCase());
  if (!parsed || !ou) throw new ValidationError('accountOU', `The organizational unit must be one of: ${names}`);
  if (parsed.id && parsed.id !== ou.id) {
    throw new ValidationError('accountOU', `The OU id ${parsed.id} does not belong to ${ou.name}`);
  }
  return ou;
}
