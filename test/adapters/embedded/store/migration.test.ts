import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../../../app/adapters/dynamodb/client';
import { DynamoDbEffectStore } from '../../../../app/adapters/dynamodb/effects';
import { DynamoDbIdempotencyStore } from '../../../../app/adapters/dynamodb/idempotency';
import { DynamoDbSessionStore } from '../../../../app/adapters/dynamodb/sessions';
import { DynamoDbSlotStore } from '../../../../app/adapters/dynamodb/slots';
import { DynamoDbRequestStore } from '../../../../app/adapters/dynamodb/store';
import { startEmbeddedDynamoDb } from '../../../../app/adapters/embedded/dynalite';
import { type MigrationRecord, migrateDynaliteDataDir, readDynaliteDataDir } from '../../../../app/adapters/embedded/dynalite-migration';
import { openNativeStore } from '../../../../app/adapters/embedded/store/native-store';
import { DuplicateRequestError } from '../../../../app/core/errors';
import type { AccountRequest } from '../../../../app/core/request/account-request';
import { anEffect, aRequest, aTransition } from '../../../store/contract';
import { startApp } from '../../../support/app';

/**
 * A data directory of an earlier release (DATA_DIR/dynamodb: the DynamoDB adapter on dynalite) is
 * migrated into the native store when the product starts with an empty one: everything comes over
 * as the DynamoDB adapter reads it (legacy items in today's shape), in one transaction, and the
 * old directory is renamed aside. The legacy items are those of test/adapters/dynamodb/legacy-items.test.ts.
 */

const LEGACY_ID = 'req-mm8y7c00-0a4319c5';
const LEGACY_REQUEST = {
  pk: `REQ#${LEGACY_ID}`,
  sk: 'REQ',
  id: LEGACY_ID,
  status: 'PENDING_APPROVAL',
  statusSince: '2026-11-30T09:00:00.000Z',
  createdAt: '2026-11-30T09:00:00.000Z',
  updatedAt: '2026-11-30T09:00:00.000Z',
  expiresAt: '2099-01-01T00:00:00.000Z',
  requester: { id: 'jane@example.com', email: 'jane@example.com', firstName: 'Jane', lastName: 'Doe' },
  account: {
    name: 'sandbox-jane-doe',
    email: 'legacy-team@example.com',
    type: 'Sandbox',
    ou: { name: 'Demos' },
    sso: { email: 'jane@example.com', firstName: 'Jane', lastName: 'Doe' },
  },
  approvalMessage: { channel: 'C0APPROVALS', ts: '1700000000.000100' },
  audit: [
    {
      at: '2026-11-30T09:00:00.000Z',
      actor: { id: 'jane@example.com', name: 'Jane Doe', email: 'jane@example.com', channel: 'rest' },
      action: 'create',
      to: 'PENDING_APPROVAL',
    },
  ],
  effects: {},
  effectsRev: 3,
  gsi1pk: 'STATUS#PENDING_APPROVAL',
  gsi1sk: `2026-11-30T09:00:00.000Z#${LEGACY_ID}`,
  gsi2pk: 'REQUESTER#jane@example.com',
  gsi2sk: `2026-11-30T09:00:00.000Z#${LEGACY_ID}`,
};
const LEGACY_LOCKS = [
  { pk: 'EMAIL#legacy-team@example.com', sk: 'LOCK', requestId: LEGACY_ID },
  { pk: 'NAME#sandbox-jane-doe', sk: 'LOCK', requestId: LEGACY_ID },
];
/** A create that crashed while taking its locks (the fenced protocol's draft) and the lock it had taken. */
const DRAFT_ID = 'req-mm8y7c01-0badc0de';
const DRAFT = { ...LEGACY_REQUEST, pk: `REQ#${DRAFT_ID}`, id: DRAFT_ID, draft: true, acquiring: '2026-11-30T09:00:10.000Z' };
const DRAFT_LOCK = { pk: 'EMAIL#draft-team@example.com', sk: 'LOCK', requestId: DRAFT_ID };

interface Written {
  pending: AccountRequest;
  denied: AccountRequest;
  scope: string;
  session: string;
  seen: string;
}

/** Writes an earlier release's data dir: legacy items as they were, current items through the DynamoDB adapter. */
async function writeDynaliteDataDir(path: string): Promise<Written> {
  const server = await startEmbeddedDynamoDb({ path });
  const db = documentClient(server.clientConfig);
  const table = server.tableName;
  try {
    for (const Item of [LEGACY_REQUEST, ...LEGACY_LOCKS, DRAFT, DRAFT_LOCK, { pk: 'SOMETHING#else', sk: 'X' }]) {
      await db.send(new PutCommand({ TableName: table, Item }));
    }
    const requests = new DynamoDbRequestStore(db, table, { transactions: false });
    const pending = aRequest({ email: 'pending-team@example.com', expiresAt: '2099-01-01T00:00:00.000Z' });
    await requests.create(pending, [anEffect({ handler: 'approver-mail', target: 'boss@example.com' })], { confirmationKey: 'rest:pat#3' });
    await requests.annotate(pending.id, 'slack', 'C0APPROVALS/1700000000.000200');
    const denied = aRequest({ email: 'closed-team@example.com', expiresAt: '2099-01-01T00:00:00.000Z' });
    await requests.create(denied, []);
    const deniedNow = await requests.transition(aTransition(denied, 'deny', 'DENIED', { effects: [anEffect({ seq: 'v00000002.000' })] }));
    // A crash right after closing left its e-mail lock behind (the next request takes it over).
    await db.send(new PutCommand({ TableName: table, Item: { pk: 'EMAIL#closed-team@example.com', sk: 'LOCK', requestId: denied.id } }));
    const scope = 'slack-conversation:T1:D0LEGACY';
    await new DynamoDbEffectStore(db, table).enqueue(scope, [anEffect({ seq: 't000000000000001.000001', payload: { text: 'hi' } })]);
    await new DynamoDbSlotStore(db, table).claim(pending.id, 5, new Date());
    const sessions = new DynamoDbSessionStore(db, table);
    const now = new Date();
    const session = 'rest:pat@example.com';
    await sessions.save(
      { id: session, updatedAt: now.toISOString(), state: { slots: { AccountType: 'Sandbox' } }, version: 0 },
      new Date(Date.now() + 3_600_000),
      now,
    );
    await sessions.save(
      { id: 'rest:gone@example.com', updatedAt: now.toISOString(), state: {}, version: 0 },
      new Date(Date.now() - 60_000),
      new Date(Date.now() - 120_000),
    );
    const seen = 'slack-event:Ev0LEGACY';
    await new DynamoDbIdempotencyStore(db, table, { now: () => now }).claimOnce(seen, new Date(Date.now() + 3_600_000));
    return { pending: { ...pending, annotations: { slack: 'C0APPROVALS/1700000000.000200' } }, denied: deniedNow, scope, session, seen };
  } finally {
    db.destroy();
    await server.close();
  }
}

const migratedDirs = (dataDir: string) => readdirSync(dataDir).filter((f) => f.startsWith('dynamodb.migrated-'));

describe('migrating the dynalite data dir of an earlier release', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'vending-migrate-'));
    dirs.push(d);
    return d;
  };
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('brings everything over at start, in today shape, holds included, and renames the old directory aside', async () => {
    const dataDir = tempDir();
    const written = await writeDynaliteDataDir(join(dataDir, 'dynamodb'));
    const running = await startApp({ APPROVER_EMAILS: 'boss@example.com' }, { dataDir, keepData: true });
    try {
      expect(running.app.describe().store).toMatch(/^native /);
      expect(existsSync(join(dataDir, 'dynamodb'))).toBe(false);
      expect(migratedDirs(dataDir)).toHaveLength(1);
      const legacy = (await (await fetch(`${running.baseUrl}/requests/${LEGACY_ID}`)).json()) as Record<string, any>;
      expect(legacy).toMatchObject({ id: LEGACY_ID, kind: 'new-account', version: 1, status: 'PENDING_APPROVAL' });
      expect(legacy.audit[0].actor).toEqual({ id: 'jane@example.com', name: 'Jane Doe', email: 'jane@example.com', door: 'rest' });
      // Its e-mail is still held; and it moves on through the lifecycle.
      await expect(
        running.app.core.ask(
          { requester: LEGACY_REQUEST.requester, accountType: 'Sandbox', accountEmail: 'legacy-team@example.com', accountOU: 'Demos' },
          { id: 'jane@example.com', email: 'jane@example.com', door: 'rest' },
        ),
      ).rejects.toThrow(DuplicateRequestError);
      const boss = { id: 'boss@example.com', email: 'boss@example.com', name: 'Boss', door: 'email-link' } as const;
      expect(await running.app.core.decide(LEGACY_ID, 'approve', boss)).toMatchObject({ status: 'APPROVED', version: 2 });
      await running.settle();
    } finally {
      await running.stop();
    }

    const store = await openNativeStore(join(dataDir, 'store'));
    try {
      expect(await store.requests.get(written.denied.id)).toEqual(written.denied);
      expect(await store.requests.get(written.pending.id)).toMatchObject({ ...written.pending, status: expect.any(String) });
      expect(await store.requests.get(DRAFT_ID)).toBeUndefined();
      expect((await store.effects.pending(written.scope)).map((e) => e.payload)).toEqual([{ text: 'hi' }]);
      expect((await store.slots.holders()).map((h) => h.requestId)).toContain(written.pending.id);
      expect(await store.sessions.load(written.session, new Date())).toMatchObject({
        state: { slots: { AccountType: 'Sandbox' } },
        version: 1,
      });
      expect(await store.sessions.load('rest:gone@example.com', new Date())).toBeUndefined();
      expect(await store.idempotency.claimOnce(written.seen, new Date(Date.now() + 3_600_000))).toBe(false);
      expect((await store.requests.findByAccountName('SANDBOX-JANE-DOE'))?.id).toBe(LEGACY_ID);
      // Holds: the confirmation and the open request's e-mail still held; the draft's and the closed one's free again.
      await expect(store.requests.create(aRequest(), [], { confirmationKey: 'rest:pat#3' })).rejects.toThrow(written.pending.id);
      await expect(store.requests.create(aRequest({ email: 'pending-team@example.com' }), [])).rejects.toThrow(DuplicateRequestError);
      await expect(store.requests.create(aRequest({ email: 'draft-team@example.com' }), [])).resolves.toBeUndefined();
      await expect(store.requests.create(aRequest({ email: 'closed-team@example.com' }), [])).resolves.toBeUndefined();
      const record = store.meta<MigrationRecord>('migration')!;
      expect(record).toMatchObject({ from: 'dynalite', counts: { requests: 3, scopes: 1, slots: 1, sessions: 1, seen: 1 } });
      expect(record.renamedTo).toBe(join(dataDir, migratedDirs(dataDir)[0]));
      expect(record.skipped.join('\n')).toContain(`REQ#${DRAFT_ID}`);
      expect(record.skipped.join('\n')).toContain('SOMETHING#else');
    } finally {
      await store.close();
    }

    // A second start migrates nothing again and keeps what the first one stored.
    const again = await startApp({}, { dataDir, keepData: true });
    try {
      expect(migratedDirs(dataDir)).toHaveLength(1);
      expect((await again.app.core.requestsOf('jane@example.com')).map((r) => r.id)).toContain(LEGACY_ID);
    } finally {
      await again.stop();
    }
  }, 30_000);

  it('finishes a migration that committed before a crash: only the rename was left', async () => {
    const dataDir = tempDir();
    const source = join(dataDir, 'dynamodb');
    await writeDynaliteDataDir(source);
    const store = await openNativeStore(join(dataDir, 'store'));
    try {
      const { contents } = await readDynaliteDataDir(source, new Date());
      await store.importContents(contents, {
        migration: { from: 'dynalite', source, at: new Date().toISOString(), counts: {}, skipped: [] },
      });
      const outcome = await migrateDynaliteDataDir(source, store);
      expect(outcome.kind).toBe('finished');
      expect(existsSync(source)).toBe(false);
      expect(migratedDirs(dataDir)).toHaveLength(1);
      expect((await store.requests.get(LEGACY_ID))?.id).toBe(LEGACY_ID);
    } finally {
      await store.close();
    }
  }, 20_000);

  it('imports all of it or nothing: contents that contradict themselves leave the store empty', async () => {
    const store = await openNativeStore(join(tempDir(), 'store'));
    try {
      const r = aRequest();
      const contents = { requests: [{ request: r, effects: [anEffect()] }], scopes: [], slots: [], sessions: [], seen: [] };
      const holds = [{ hold: { kind: 'account-name' as const, value: 'x' }, requestId: 'req-nobody-00000000' }];
      await expect(store.importContents({ ...contents, holds })).rejects.toThrow('not imported');
      expect(await store.isEmpty()).toBe(true);
      expect(await store.requests.get(r.id)).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it('leaves the old directory alone when the native store has data of its own; EMBEDDED_STORE=dynalite still runs on it', async () => {
    const dataDir = tempDir();
    const store = await openNativeStore(join(dataDir, 'store'));
    await store.requests.create(aRequest(), []);
    await store.close();
    await writeDynaliteDataDir(join(dataDir, 'dynamodb'));
    const native = await startApp({}, { dataDir, keepData: true });
    try {
      expect(native.app.describe().store).toMatch(/^native /);
      expect(existsSync(join(dataDir, 'dynamodb'))).toBe(true);
      expect(await native.app.core.requestsOf('jane@example.com')).not.toContainEqual(expect.objectContaining({ id: LEGACY_ID }));
    } finally {
      await native.stop();
    }
    const dynalite = await startApp({ EMBEDDED_STORE: 'dynalite' }, { dataDir, keepData: true });
    try {
      expect(dynalite.app.describe().store).toContain('dynalite');
      expect((await dynalite.app.core.requestsOf('jane@example.com')).map((r) => r.id)).toContain(LEGACY_ID);
    } finally {
      await dynalite.stop();
    }
    expect(migratedDirs(dataDir)).toEqual([]);
  }, 30_000);
});
