import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Values generated once and kept in the data directory (readable by the owner only), so they
 * survive restarts: the approval secret (links stay valid) and this node's id (a restarted
 * process takes back the effects it had claimed at once instead of waiting out their lease).
 */
function loadOrCreate(dataDir: string, name: string, make: () => string): string {
  const file = join(dataDir, name);
  try {
    const existing = readFileSync(file, 'utf8').trim();
    if (existing.length >= 16) return existing;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(dataDir, { recursive: true });
  const value = make();
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  return value;
}

/** The embedded default for APPROVAL_SECRET. */
export const loadOrCreateApprovalSecret = (dataDir: string): string =>
  loadOrCreate(dataDir, 'approval-secret', () => randomBytes(32).toString('base64url'));

/** Who this server is when it claims effects: one id per data directory. */
export const loadOrCreateNodeId = (dataDir: string): string =>
  loadOrCreate(dataDir, 'node-id', () => `node-${randomBytes(8).toString('hex')}`);
