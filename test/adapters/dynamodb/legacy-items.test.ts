import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../../app/adapters/dynamodb/client';
import { startEmbeddedDynamoDb } from '../../../app/adapters/embedded/dynalite';
import { type RunningApp, startApp } from '../../support/app';

/**
 * A data directory written by the release before requests had a kind and a version: its requests
 * still load, in today's shape, and still move on. The items below are what that release's
 * DynamoDB store wrote for a pending request (its key design has not changed).
 */
const ID = 'req-mm8y7c00-0a4319c5';
const LEGACY_REQUEST = {
  pk: `REQ#${ID}`,
  sk: 'REQ',
  id: ID,
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
  gsi1sk: `2026-11-30T09:00:00.000Z#${ID}`,
  gsi2pk: 'REQUESTER#jane@example.com',
  gsi2sk: `2026-11-30T09:00:00.000Z#${ID}`,
};
const LEGACY_LOCKS = [
  { pk: 'EMAIL#legacy-team@example.com', sk: 'LOCK', requestId: ID },
  { pk: 'NAME#sandbox-jane-doe', sk: 'LOCK', requestId: ID },
];

describe('requests stored by an earlier release', () => {
  let dataDir: string;
  let running: RunningApp;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'vending-legacy-'));
    // Write the items as the earlier release left them in its embedded store, then stop it.
    const server = await startEmbeddedDynamoDb({ path: join(dataDir, 'dynamodb') });
    const db = documentClient(server.clientConfig);
    for (const Item of [LEGACY_REQUEST, ...LEGACY_LOCKS]) await db.send(new PutCommand({ TableName: server.tableName, Item }));
    db.destroy();
    await server.close();
    running = await startApp({ APPROVER_EMAILS: 'boss@example.com' }, { dataDir, keepData: true });
  });
  afterAll(async () => {
    await running?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("are read in today's shape: a kind, a version counted from the audit trail, actors that name their door", async () => {
    const res = await fetch(`${running.baseUrl}/requests/${ID}`);
    expect(res.status).toBe(200);
    const request = (await res.json()) as Record<string, any>;
    expect(request).toMatchObject({
      id: ID,
      kind: 'new-account',
      version: 1,
      status: 'PENDING_APPROVAL',
      account: { email: 'legacy-team@example.com' },
    });
    expect(request.audit).toEqual([
      expect.objectContaining({ actor: { id: 'jane@example.com', name: 'Jane Doe', email: 'jane@example.com', door: 'rest' } }),
    ]);
    expect(request.audit[0].actor).not.toHaveProperty('channel');
  });

  it('still hold their account e-mail, and still move on through the lifecycle', async () => {
    await expect(
      running.app.core.ask(
        { requester: LEGACY_REQUEST.requester, accountType: 'Sandbox', accountEmail: 'legacy-team@example.com', accountOU: 'Demos' },
        { id: 'jane@example.com', email: 'jane@example.com', door: 'rest' },
      ),
    ).rejects.toThrow(`An open request for legacy-team@example.com already exists: ${ID}`);
    const approved = await running.app.core.decide(ID, 'approve', {
      id: 'boss@example.com',
      email: 'boss@example.com',
      name: 'Boss',
      door: 'email-link',
    });
    expect(approved).toMatchObject({ status: 'APPROVED', version: 2 });
    await running.settle();
    expect((await running.app.core.requestsOf('jane@example.com')).map((r) => r.id)).toEqual([ID]);
  });
});
