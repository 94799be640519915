import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoreDatabase, StoreInUseError } from '../../../../app/adapters/embedded/store/database';
import { K, under } from '../../../../app/adapters/embedded/store/keys';
import { openNativeStore } from '../../../../app/adapters/embedded/store/native-store';
import { nextDue } from '../../../../app/core/effects/dispatcher';
import { DuplicateRequestError } from '../../../../app/core/errors';
import type { Effect } from '../../../../app/core/ports/effects';
import { type AccountRequest, isOpen } from '../../../../app/core/request/account-request';
import { aRequest } from '../../../store/contract';

/**
 * kill -9 on the native store: a child process opens it and writes as fast as it can (six writers
 * at once, sharing a few account e-mails so that creates are also refused), printing one line per
 * acknowledged write; it is killed with SIGKILL at a random point, three times on the same
 * directory. After each kill the store must hold every acknowledged write and be consistent:
 * every request's holds and index entries present, no hold without its request, at most one open
 * request per account e-mail, each scope's due entry where its effects say.
 */

const MODULES = {
  store: join(__dirname, '../../../../app/adapters/embedded/store/native-store.ts'),
  errors: join(__dirname, '../../../../app/core/errors.ts'),
};

/** The child: plain JS (run with tsx, which loads the TypeScript modules); every loop is bounded. */
const CHILD = `
const { openNativeStore } = require(${JSON.stringify(MODULES.store)});
const { DuplicateRequestError } = require(${JSON.stringify(MODULES.errors)});
const [dir, life] = process.argv.slice(1);
const out = (line) => process.stdout.write(line + '\\n');
const effect = (id, seq, handler) => ({ id, handler, event: 'e', seq, attempts: 0, dueAt: new Date().toISOString() });
let n = 0;
async function worker(store, w) {
  for (let round = 0; round < 500; round++) {
    const id = 'req-' + life + 'x' + w + 'x' + (n++);
    const email = 'team-' + ((w * 5 + round) % 10) + '@example.com';
    const at = new Date().toISOString();
    const who = { id: 'jane@example.com', email: 'jane@example.com', firstName: 'Jane', lastName: 'Doe' };
    const request = {
      id, kind: 'new-account', status: 'PENDING_APPROVAL', version: 1, statusSince: at, createdAt: at, updatedAt: at,
      expiresAt: '2099-01-01T00:00:00.000Z', requester: who,
      account: { name: 'acct-' + id, email, type: 'Sandbox', ou: { name: 'Demos' }, sso: who },
      audit: [{ at, actor: { id: who.id, door: 'rest' }, action: 'create', to: 'PENDING_APPROVAL' }],
    };
    try {
      await store.requests.create(request, [effect(id + '-a', 'v00000001.000', 'mail'), effect(id + '-b', 'v00000001.001', 'chat')], { confirmationKey: 'conf-' + id });
    } catch (err) {
      if (!(err instanceof DuplicateRequestError)) throw err;
      out('R ' + id);
      continue;
    }
    out('C ' + id);
    const step = (r, action, to, effects) => store.requests.transition({
      id, expectedVersion: r.version, from: [r.status], to, patch: { statusSince: new Date().toISOString() },
      event: { at: new Date().toISOString(), actor: { id: 'boss', door: 'email-link' }, action, from: r.status, to }, effects,
    });
    const approved = await step(request, 'approve', 'APPROVED', [effect(id + '-c', 'v00000002.000', 'mail')]);
    out('T ' + id + ' ' + approved.version + ' ' + approved.status);
    if (await store.effects.claim(id, id + '-a', 'child', new Date(), 60000)) {
      await store.effects.settle(id, id + '-a');
      out('S ' + id + ' ' + id + '-a');
    }
    const closed = await step(approved, round % 2 ? 'cancel' : 'deny', round % 2 ? 'CANCELLED' : 'DENIED', []);
    out('T ' + id + ' ' + closed.version + ' ' + closed.status);
  }
}
openNativeStore(dir, { purgeEveryMs: 0 }).then(async (store) => {
  out('ready');
  await Promise.all([0, 1, 2, 3, 4, 5].map((w) => worker(store, w)));
  out('done');
}).catch((err) => { out('error ' + String(err && err.stack)); process.exit(1); });
`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Life {
  child: ChildProcess;
  lines: string[];
  exited: Promise<NodeJS.Signals | number | null>;
}

function startChild(dir: string, life: number): Life {
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', CHILD, dir, String(life)], {
    cwd: join(__dirname, '../../../..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let partial = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const text = partial + chunk.toString('utf8');
    const parts = text.split('\n');
    partial = parts.pop() ?? ''; // a line cut by the kill is not an acknowledgement
    lines.push(...parts);
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  exited.then(() => {
    if (lines.some((l) => l.startsWith('error'))) console.error(lines.filter((l) => l.startsWith('error')).join('\n'), stderr);
  });
  return { child, lines, exited };
}

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(5);
  }
}

describe('the native store under kill -9', () => {
  const root = mkdtempSync(join(tmpdir(), 'vending-kill9-'));
  const dir = join(root, 'store');
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  });

  it('keeps every acknowledged write and stays consistent, kill after kill', async () => {
    const acked = {
      created: new Set<string>(),
      refused: new Set<string>(),
      versions: new Map<string, [number, string]>(),
      settled: [] as string[][],
    };
    for (let life = 1; life <= 3; life++) {
      const { child, lines, exited } = startChild(dir, life);
      children.push(child);
      await until(() => lines.includes('ready') || child.exitCode !== null, 10_000, 'the child to open the store');
      expect(lines[0]).toBe('ready');
      // One process owns the data: a second open is refused while the child has it.
      if (life === 1) await expect(openNativeStore(dir)).rejects.toThrow(StoreInUseError);
      const target = 30 + Math.floor(Math.random() * 600);
      await until(() => lines.length > target || child.exitCode !== null, 10_000, `${target} acknowledged writes`);
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      expect(lines.filter((l) => l.startsWith('error'))).toEqual([]);

      for (const line of lines) {
        const [kind, id, a, b] = line.split(' ');
        if (kind === 'C') acked.created.add(id);
        else if (kind === 'R') acked.refused.add(id);
        else if (kind === 'T') acked.versions.set(id, [Number(a), b]);
        else if (kind === 'S') acked.settled.push([id, a]);
      }
      await checkAcknowledged(dir, acked);
      await checkConsistent(dir);
      console.log(`life ${life}: killed after ${lines.length - 1} acknowledged writes (target ${target})`);
    }
    expect(acked.created.size).toBeGreaterThan(10);
  }, 20_000);
});

/** Every acknowledged write is there (a write in flight at the kill may be there too, never half). */
async function checkAcknowledged(
  dir: string,
  acked: { created: Set<string>; refused: Set<string>; versions: Map<string, [number, string]>; settled: string[][] },
) {
  const store = await openNativeStore(dir, { purgeEveryMs: 0 });
  try {
    for (const id of acked.created) expect(await store.requests.get(id)).toMatchObject({ id });
    for (const id of acked.refused) expect(await store.requests.get(id)).toBeUndefined();
    for (const [id, [version, status]] of acked.versions) {
      const stored = await store.requests.get(id);
      expect(stored!.version).toBeGreaterThanOrEqual(version);
      if (stored!.version === version) expect(stored!.status).toBe(status);
      if (version >= 2) expect((await store.effects.pending(id)).map((e) => e.id)).toContain(`${id}-c`);
    }
    for (const [scope, effectId] of acked.settled) expect((await store.effects.pending(scope)).map((e) => e.id)).not.toContain(effectId);
    // Still a working store: the rules hold for new writes too.
    const open =
      (await store.requests.listByStatus('PENDING_APPROVAL', 1000))[0] ?? (await store.requests.listByStatus('APPROVED', 1000))[0];
    if (open) await expect(store.requests.create(aRequest({ email: open.account.email }), [])).rejects.toThrow(DuplicateRequestError);
  } finally {
    await store.close();
  }
}

/** The store's own invariants, read from its records (key design in store/keys.ts). */
async function checkConsistent(dir: string) {
  const db = await StoreDatabase.open(dir);
  try {
    const requests = (await db.range<AccountRequest>(under('req'))).map((e) => e.value);
    const ids = new Set(requests.map((r) => r.id));
    const openPerEmail = new Map<string, number>();
    for (const r of requests) {
      expect(db.get(K.hold({ kind: 'account-name', value: r.account.name }))).toBe(r.id);
      expect(db.get(K.hold({ kind: 'confirmation', value: `conf-${r.id}` }))).toBe(r.id);
      expect(db.get(K.status(r.status, r.statusSince, r.id))).toBe(r.id);
      expect(db.get(K.requester(r.requester.email, r.createdAt, r.id))).toBe(r.id);
      if (isOpen(r.status)) {
        expect(db.get(K.hold({ kind: 'account-email', value: r.account.email }))).toBe(r.id);
        openPerEmail.set(r.account.email, (openPerEmail.get(r.account.email) ?? 0) + 1);
      }
      const effects = (await db.range<Effect>(K.effectsOf(r.id))).map((e) => e.value);
      expect(db.get(K.dueOf(r.id))).toBe(nextDue(effects));
    }
    for (const count of openPerEmail.values()) expect(count).toBe(1);
    for (const { value: holder } of await db.range<string>(under('hold'))) expect(ids.has(holder)).toBe(true);
    for (const { value: holder } of await db.range<string>(under('hold', 'account-email'))) {
      expect(isOpen(requests.find((r) => r.id === holder)!.status)).toBe(true);
    }
    expect((await db.range(under('status'))).length).toBe(requests.length);
    expect((await db.range(under('requester'))).length).toBe(requests.length);
    for (const { value: scope } of await db.range<string>(under('due'))) expect(ids.has(scope)).toBe(true);
  } finally {
    await db.close();
  }
}
