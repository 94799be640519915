import {
  AccountNameTakenError,
  DuplicateConfirmationError,
  DuplicateRequestError,
  NotFoundError,
  RequestExpiredError,
  SessionConflictError,
  TransitionConflictError,
} from '../../app/core/errors';
import type { Effect, EffectStore } from '../../app/core/ports/effects';
import type { IdempotencyStore } from '../../app/core/ports/idempotency';
import type { RequestStore, Transition } from '../../app/core/ports/requests';
import { facetSessionId, type SessionStore } from '../../app/core/ports/sessions';
import type { SlotStore } from '../../app/core/ports/slots';
import type { AccountRequest, Status } from '../../app/core/request/account-request';

/**
 * The store contract: what every implementation of the store ports promises, run against each of
 * them (test/store/*.test.ts). The concurrency cases are the guarantees the product makes: one
 * open request per account e-mail, one name per request, one request per confirmation, one winner
 * per compare-and-set, one dispatcher per effect.
 */
export interface Stores {
  requests: RequestStore;
  effects: EffectStore;
  slots: SlotStore;
  sessions: SessionStore;
  idempotency: IdempotencyStore;
}

let seq = 0;
const T0 = '2026-03-02T09:00:00.000Z';

/** A stored-shape request; ids follow the product's format (req-<time>-<8 hex>). */
export function aRequest(
  over: { email?: string; name?: string; status?: Status; requester?: string; expiresAt?: string; createdAt?: string } = {},
): AccountRequest {
  const n = seq++;
  const id = `req-${(Date.now() + n).toString(36)}-${(0x10000000 + Math.floor(Math.random() * 0xefffffff)).toString(16)}`;
  const at = over.createdAt ?? T0;
  const requester = over.requester ?? 'jane@example.com';
  return {
    id,
    kind: 'new-account',
    status: over.status ?? 'PENDING_APPROVAL',
    version: 1,
    statusSince: at,
    createdAt: at,
    updatedAt: at,
    expiresAt: over.expiresAt ?? '2026-03-04T09:00:00.000Z',
    requester: { id: requester, email: requester, firstName: 'Jane', lastName: 'Doe' },
    account: {
      name: over.name ?? `acct-${n}-${Math.random().toString(36).slice(2, 8)}`,
      email: over.email ?? `team-${n}-${Math.random().toString(36).slice(2, 8)}@example.com`,
      type: 'Sandbox',
      ou: { name: 'Demos' },
      sso: { email: requester, firstName: 'Jane', lastName: 'Doe' },
    },
    audit: [{ at, actor: { id: requester, door: 'rest' }, action: 'create', to: 'PENDING_APPROVAL' }],
  };
}

export function anEffect(over: Partial<Effect> = {}): Effect {
  const n = seq++;
  return {
    id: `test-${n}-${Math.random().toString(36).slice(2)}`,
    handler: 'test',
    event: 'create',
    seq: `v00000001.${String(n % 1000).padStart(3, '0')}`,
    attempts: 0,
    dueAt: T0,
    ...over,
  };
}

/** A transition of `r` from its status to `to`, as Transitions.apply would write it. */
export function aTransition(r: AccountRequest, action: string, to: Status, over: Partial<Transition> = {}): Transition {
  const at = new Date(Date.parse(r.updatedAt) + 1000).toISOString();
  return {
    id: r.id,
    expectedVersion: r.version,
    from: [r.status],
    to,
    patch: { statusSince: at },
    event: { at, actor: { id: 'boss@example.com', door: 'email-link' }, action, from: r.status, to },
    effects: [],
    ...over,
  };
}

const settled = async <T>(ps: Array<Promise<T>>) => {
  const results = await Promise.allSettled(ps);
  return {
    won: results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])),
    lost: results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as Error),
  };
};

/** An implementation under test; a persistent one can be closed and opened again on the same data. */
export type OpenStores = Stores & { close(): Promise<void>; reopen?(): Promise<OpenStores> };

export function storeContract(name: string, open: () => Promise<OpenStores>, opts: { persistent?: boolean } = {}): void {
  describe(`store contract: ${name}`, () => {
    let s: OpenStores;
    beforeAll(async () => {
      s = await open();
    }, 60_000);
    afterAll(async () => s?.close());

    describe('requests', () => {
      it('stores a request with its effects and gives it back as written', async () => {
        const r = aRequest();
        const effect = anEffect();
        await s.requests.create(r, [effect]);
        expect(await s.requests.get(r.id)).toEqual(r);
        expect(await s.effects.pending(r.id)).toEqual([effect]);
        expect(await s.requests.get('req-0-00000000')).toBeUndefined();
      });

      it('holds the account e-mail while the request is open, case-insensitively, and frees it when it closes', async () => {
        const first = aRequest({ email: `Shared-${seq}@Example.com` });
        await s.requests.create(first, []);
        const second = aRequest({ email: first.account.email.toLowerCase() });
        await expect(s.requests.create(second, [])).rejects.toThrow(new DuplicateRequestError(first.id, second.account.email));
        expect(await s.requests.get(second.id)).toBeUndefined();
        await s.requests.transition(aTransition(first, 'deny', 'DENIED'));
        await expect(s.requests.create(second, [])).resolves.toBeUndefined();
      });

      it('keeps account names unique for good, even after the request closed', async () => {
        const first = aRequest();
        await s.requests.create(first, []);
        await s.requests.transition(aTransition(first, 'cancel', 'CANCELLED'));
        const again = aRequest({ name: first.account.name.toUpperCase() });
        await expect(s.requests.create(again, [])).rejects.toThrow(AccountNameTakenError);
        expect((await s.requests.findByAccountName(first.account.name))?.id).toBe(first.id);
      });

      it('makes at most one request per confirmation key', async () => {
        const key = `confirm-${seq}-${Math.random()}`;
        const first = aRequest();
        await s.requests.create(first, [], { confirmationKey: key });
        await expect(s.requests.create(aRequest(), [], { confirmationKey: key })).rejects.toThrow(new DuplicateConfirmationError(first.id));
      });

      it('lets exactly one of 20 concurrent requests for one e-mail in; the others are told which one won', async () => {
        const email = `race-${seq}@example.com`;
        const contenders = Array.from({ length: 20 }, () => aRequest({ email }));
        const { won, lost } = await settled(contenders.map((r) => s.requests.create(r, [anEffect()])));
        expect(won).toHaveLength(1);
        const winner = (await Promise.all(contenders.map((r) => s.requests.get(r.id)))).filter(Boolean);
        expect(winner).toHaveLength(1);
        for (const err of lost) expect(err).toEqual(new DuplicateRequestError(winner[0]!.id, email));
      });

      it('lets exactly one of 10 concurrent creates with one confirmation key in', async () => {
        const key = `confirm-race-${seq}`;
        const contenders = Array.from({ length: 10 }, () => aRequest());
        const { won, lost } = await settled(contenders.map((r) => s.requests.create(r, [], { confirmationKey: key })));
        expect(won).toHaveLength(1);
        const stored = (await Promise.all(contenders.map((r) => s.requests.get(r.id)))).filter(Boolean);
        expect(stored).toHaveLength(1);
        for (const err of lost) expect(err).toEqual(new DuplicateConfirmationError(stored[0]!.id));
      });

      it('applies a transition as a compare-and-set on the version: of two racing ones exactly one wins', async () => {
        const r = aRequest();
        await s.requests.create(r, []);
        const { won, lost } = await settled([
          s.requests.transition(aTransition(r, 'approve', 'APPROVED')),
          s.requests.transition(aTransition(r, 'deny', 'DENIED')),
        ]);
        expect(won).toHaveLength(1);
        expect(lost[0]).toBeInstanceOf(TransitionConflictError);
        expect((lost[0] as TransitionConflictError).current.status).toBe(won[0].status);
        expect(won[0]).toMatchObject({ version: 2, audit: [expect.anything(), expect.objectContaining({ to: won[0].status })] });
      });

      it('refuses a transition from a stale version even when the status still fits', async () => {
        const r = aRequest();
        await s.requests.create(r, []);
        const reminded = await s.requests.transition(aTransition(r, 'remind', 'PENDING_APPROVAL'));
        expect(reminded.version).toBe(2);
        await expect(s.requests.transition(aTransition(r, 'approve', 'APPROVED'))).rejects.toThrow(TransitionConflictError);
        await expect(s.requests.transition(aTransition(reminded, 'approve', 'APPROVED'))).resolves.toMatchObject({
          status: 'APPROVED',
          version: 3,
        });
      });

      it('refuses a decision on a request past its expiry', async () => {
        const r = aRequest({ expiresAt: '2026-03-02T10:00:00.000Z' });
        await s.requests.create(r, []);
        await expect(
          s.requests.transition(aTransition(r, 'approve', 'APPROVED', { unlessExpiredAt: '2026-03-02T10:00:00.000Z' })),
        ).rejects.toThrow(RequestExpiredError);
        expect((await s.requests.get(r.id))?.status).toBe('PENDING_APPROVAL');
      });

      it('stores the effects of a transition with it, and shows the request in its new status index', async () => {
        const r = aRequest();
        await s.requests.create(r, []);
        const effect = anEffect({ seq: 'v00000002.000' });
        await s.requests.transition(aTransition(r, 'approve', 'APPROVED', { effects: [effect] }));
        expect(await s.effects.pending(r.id)).toEqual([effect]);
        expect((await s.requests.listByStatus('APPROVED', 500)).map((x) => x.id)).toContain(r.id);
        expect((await s.requests.listByStatus('PENDING_APPROVAL', 500)).map((x) => x.id)).not.toContain(r.id);
      });

      it('takes the e-mail back when a closed request reopens, and refuses while another holds it', async () => {
        const email = `reopen-${seq}@example.com`;
        const r = aRequest({ email, status: 'PROVISIONING' });
        await s.requests.create(r, []);
        const failed = await s.requests.transition(aTransition(r, 'fail', 'FAILED'));
        const other = aRequest({ email });
        await s.requests.create(other, []);
        await expect(s.requests.transition(aTransition(failed, 'retry', 'APPROVED'))).rejects.toThrow(DuplicateRequestError);
        await s.requests.transition(aTransition(other, 'cancel', 'CANCELLED'));
        await expect(s.requests.transition(aTransition(failed, 'retry', 'APPROVED'))).resolves.toMatchObject({ status: 'APPROVED' });
        await expect(s.requests.create(aRequest({ email }), [])).rejects.toThrow(new DuplicateRequestError(r.id, email));
      });

      it('lets exactly one of a reopen and 10 new requests racing for one e-mail in', async () => {
        const email = `reopen-race-${seq}@example.com`;
        const r = aRequest({ email, status: 'PROVISIONING' });
        await s.requests.create(r, []);
        const failed = await s.requests.transition(aTransition(r, 'fail', 'FAILED'));
        const fresh = Array.from({ length: 10 }, () => aRequest({ email }));
        const { won } = await settled<unknown>([
          s.requests.transition(aTransition(failed, 'retry', 'APPROVED')),
          ...fresh.map((x) => s.requests.create(x, [])),
        ]);
        expect(won).toHaveLength(1);
        const open = (await Promise.all([r, ...fresh].map((x) => s.requests.get(x.id)))).filter(
          (x) => x && ['PENDING_APPROVAL', 'APPROVED', 'PROVISIONING'].includes(x.status),
        );
        expect(open).toHaveLength(1);
      });

      it('lists by status oldest first and by requester newest first', async () => {
        const who = `lister-${seq}@example.com`;
        const older = aRequest({ requester: who, createdAt: '2026-03-01T08:00:00.000Z' });
        const newer = aRequest({ requester: who, createdAt: '2026-03-01T09:00:00.000Z' });
        await s.requests.create(newer, []);
        await s.requests.create(older, []);
        expect((await s.requests.listByRequester(who)).map((x) => x.id)).toEqual([newer.id, older.id]);
        const pending = (await s.requests.listByStatus('PENDING_APPROVAL', 1000)).map((x) => x.id);
        expect(pending.indexOf(older.id)).toBeLessThan(pending.indexOf(newer.id));
      });

      it('annotates a request without a version change, and refuses an unknown one', async () => {
        const r = aRequest();
        await s.requests.create(r, []);
        await s.requests.annotate(r.id, 'slack', 'C0APPROVALS/1700000000.000100');
        await s.requests.annotate(r.id, 'web', 'seen');
        expect(await s.requests.get(r.id)).toEqual({ ...r, annotations: { slack: 'C0APPROVALS/1700000000.000100', web: 'seen' } });
        await expect(s.requests.annotate('req-0-00000000', 'slack', 'x')).rejects.toThrow(NotFoundError);
      });

      it('stores nothing of a refused transition: not its status, not its effects', async () => {
        const email = `refused-${seq}@example.com`;
        const r = aRequest({ email, status: 'PROVISIONING' });
        await s.requests.create(r, []);
        const failed = await s.requests.transition(aTransition(r, 'fail', 'FAILED'));
        await s.requests.create(aRequest({ email }), []);
        const retry = aTransition(failed, 'retry', 'APPROVED', { effects: [anEffect({ seq: 'v00000003.000' })] });
        await expect(s.requests.transition(retry)).rejects.toThrow(DuplicateRequestError);
        const stale = aTransition(r, 'cancel', 'CANCELLED', { effects: [anEffect({ seq: 'v00000002.000' })] });
        await expect(s.requests.transition(stale)).rejects.toThrow(TransitionConflictError);
        expect(await s.requests.get(r.id)).toEqual(failed);
        expect(await s.effects.pending(r.id)).toEqual([]);
        expect((await s.requests.listByStatus('FAILED', 1000)).map((x) => x.id)).toContain(r.id);
      });

      it("lists an account's requests newest first: the one that made it once it knows the id, then the ones about it", async () => {
        const accountId = String(100000000000 + seq).padStart(12, '0');
        const made = aRequest({ status: 'PROVISIONING' });
        await s.requests.create(made, []);
        expect(await s.requests.listByAccount(accountId)).toEqual([]);
        const done = await s.requests.transition(aTransition(made, 'succeed', 'SUCCEEDED', { patch: { statusSince: T0, accountId } }));
        const later = (n: number) => new Date(Date.parse(made.createdAt) + n).toISOString();
        const ids = (rs: AccountRequest[]) => rs.map((x) => x.id);
        await new Promise((r) => setTimeout(r, 2)); // ids sort by their time
        // A request about the account names it from the start, and holds its e-mail (not its name) while open.
        const move = {
          ...aRequest({ email: made.account.email, name: made.account.name, createdAt: later(1) }),
          kind: 'move-account' as const,
          accountId,
        };
        await s.requests.create(move, []);
        await expect(
          s.requests.create({ ...aRequest({ email: made.account.email }), kind: 'close-account', accountId }, []),
        ).rejects.toThrow(DuplicateRequestError);
        expect(ids(await s.requests.listByAccount(accountId))).toEqual([move.id, done.id]);
        expect((await s.requests.listByAccount(accountId)).map((x) => x.accountId)).toEqual([accountId, accountId]);
        expect((await s.requests.findByAccountName(made.account.name))?.id).toBe(made.id);
      });

      it('finds requests by account name and by requester whatever the case', async () => {
        const who = `Case-${seq}@Example.com`;
        const r = aRequest({ requester: who });
        await s.requests.create(r, []);
        expect((await s.requests.findByAccountName(r.account.name.toUpperCase()))?.id).toBe(r.id);
        expect((await s.requests.listByRequester(who.toLowerCase())).map((x) => x.id)).toEqual([r.id]);
        expect(await s.requests.findByAccountName(`no-such-${seq}`)).toBeUndefined();
      });

      it('gives at most `max` provisioning slots, also to concurrent claimers', async () => {
        const ids = Array.from({ length: 8 }, () => aRequest().id);
        const claimed = await Promise.all(ids.map((id) => s.slots.claim(id, 3, new Date())));
        expect(claimed.filter(Boolean)).toHaveLength(3);
        const holders = await s.slots.holders();
        expect(holders).toHaveLength(3);
        for (const h of holders) await s.slots.release(h.requestId);
        expect(await s.slots.holders()).toEqual([]);
      });
    });

    describe('effects', () => {
      const now = new Date('2026-03-02T09:00:01.000Z');

      it("keeps other scopes' effects too, lists what is due, and forgets a scope whose effects are done", async () => {
        const scope = `slack-reply:Ev${seq}`;
        const effect = anEffect({ seq: 't000000000000001', payload: { channel: 'D1', text: 'hi' } });
        await s.effects.enqueue(scope, [effect]);
        expect(await s.effects.pending(scope)).toEqual([effect]);
        expect(await s.effects.due(now, 1000)).toContain(scope);
        expect(await s.effects.claim(scope, effect.id, 'node-a', now, 60_000)).toEqual({});
        await s.effects.settle(scope, effect.id);
        expect(await s.effects.pending(scope)).toEqual([]);
        expect(await s.effects.due(now, 1000)).not.toContain(scope);
      });

      it('lists a scope as due while the head of one of its streams is due, and not while all heads wait', async () => {
        const scope = `slack-conversation:T1:D${seq}`;
        const a1 = anEffect({ handler: 'a', seq: 't000000000000001.000001', dueAt: '2026-03-02T09:00:00.000Z' });
        const a2 = anEffect({ handler: 'a', seq: 't000000000000001.000002', dueAt: '2026-03-02T09:00:00.000Z' });
        const b1 = anEffect({ handler: 'b', seq: 't000000000000001.000003', dueAt: '2026-03-02T11:00:00.000Z' });
        await s.effects.enqueue(scope, [a1, a2, b1]);
        expect(await s.effects.due(now, 1000)).toContain(scope);
        // The head of stream a fails until 12:00; a2 waits behind it; b1 is due at 11:00.
        expect(await s.effects.claim(scope, a1.id, 'node-a', now, 60_000)).toEqual({});
        await s.effects.settle(scope, a1.id, { attempts: 1, dueAt: '2026-03-02T12:00:00.000Z', lastError: 'down' });
        expect(await s.effects.due(now, 1000)).not.toContain(scope);
        expect(await s.effects.due(new Date('2026-03-02T11:00:00.000Z'), 1000)).toContain(scope);
        const eleven = new Date('2026-03-02T11:00:00.000Z');
        expect(await s.effects.claim(scope, b1.id, 'node-a', eleven, 60_000)).toEqual({});
        await s.effects.settle(scope, b1.id, { attempts: 1, dueAt: '2026-03-02T13:00:00.000Z', lastError: 'down' });
        expect(await s.effects.due(new Date('2026-03-02T11:30:00.000Z'), 1000)).not.toContain(scope);
        expect(await s.effects.due(new Date('2026-03-02T12:00:00.000Z'), 1000)).toContain(scope);
        expect((await s.effects.pending(scope)).map((e) => e.id)).toEqual([a1.id, a2.id, b1.id]);
      });

      it('keeps scopes apart whose names start alike, and their payloads exactly as given', async () => {
        const base = `slack-conversation:T1:C${seq}`;
        const payload = { text: 'héllo 👋 "quoted" \\ back', n: 1.5, none: null, list: [1, { nested: [] }], flag: false };
        const one = anEffect({ seq: 't000000000000002.000001', payload });
        const two = anEffect({ seq: 't000000000000002.000002' });
        const three = anEffect({ seq: 't000000000000002.000003' });
        await s.effects.enqueue(base, [one]);
        await s.effects.enqueue(`${base}x`, [two]);
        await s.effects.enqueue(`${base}:1`, [three]);
        expect(await s.effects.pending(base)).toEqual([one]);
        expect(await s.effects.pending(`${base}x`)).toEqual([two]);
        expect(await s.effects.pending(`${base}:1`)).toEqual([three]);
        await s.effects.claim(base, one.id, 'node-a', now, 60_000);
        await s.effects.settle(base, one.id);
        expect(await s.effects.pending(base)).toEqual([]);
        const due = await s.effects.due(now, 1000);
        expect(due).not.toContain(base);
        expect(due).toEqual(expect.arrayContaining([`${base}x`, `${base}:1`]));
      });

      it('gives a claim to one dispatcher, back to the same owner at once, and to others only after the lease', async () => {
        const r = aRequest();
        const effect = anEffect();
        await s.requests.create(r, [effect]);
        const claims = await Promise.all(
          ['node-a', 'node-b', 'node-c'].map((owner) => s.effects.claim(r.id, effect.id, owner, now, 60_000)),
        );
        expect(claims.filter(Boolean)).toHaveLength(1);
        const winner = ['node-a', 'node-b', 'node-c'][claims.findIndex(Boolean)];
        expect((await s.effects.claim(r.id, effect.id, winner, now, 60_000))?.request?.id).toBe(r.id);
        const other = winner === 'node-a' ? 'node-b' : 'node-a';
        expect(await s.effects.claim(r.id, effect.id, other, now, 60_000)).toBeUndefined();
        expect(await s.effects.claim(r.id, effect.id, other, new Date(now.getTime() + 61_000), 60_000)).toBeDefined();
      });

      it('reschedules a failed effect and points the due list at it', async () => {
        const r = aRequest();
        const effect = anEffect();
        await s.requests.create(r, [effect]);
        await s.effects.claim(r.id, effect.id, 'node-a', now, 60_000);
        await s.effects.settle(r.id, effect.id, { attempts: 1, dueAt: '2026-03-02T10:00:00.000Z', lastError: 'Slack down' });
        expect(await s.effects.pending(r.id)).toEqual([
          expect.objectContaining({ id: effect.id, attempts: 1, dueAt: '2026-03-02T10:00:00.000Z', lastError: 'Slack down' }),
        ]);
        expect(await s.effects.due(now, 1000)).not.toContain(r.id);
        expect(await s.effects.due(new Date('2026-03-02T10:00:00.000Z'), 1000)).toContain(r.id);
        expect(await s.effects.claim(r.id, effect.id, 'node-b', now, 60_000)).toBeDefined();
      });
    });

    describe('sessions and seen keys', () => {
      const now = new Date('2026-03-02T09:00:00.000Z');
      const later = new Date('2026-03-02T10:00:00.000Z');

      it('saves a session as a compare-and-set on its version', async () => {
        const id = `rest:s${seq}@example.com`;
        await s.sessions.save({ id, updatedAt: now.toISOString(), state: { step: 1 }, version: 0 }, later, now);
        const loaded = await s.sessions.load(id, now);
        expect(loaded).toMatchObject({ state: { step: 1 }, version: 1 });
        await s.sessions.save({ ...loaded!, state: { step: 2 } }, later, now);
        await expect(s.sessions.save({ ...loaded!, state: { step: 'stale' } }, later, now)).rejects.toThrow(SessionConflictError);
        await expect(s.sessions.save({ id, updatedAt: now.toISOString(), state: {}, version: 0 }, later, now)).rejects.toThrow(
          SessionConflictError,
        );
        expect((await s.sessions.load(id, now))?.state).toEqual({ step: 2 });
        expect(await s.sessions.load(id, later)).toBeUndefined();
      });

      it('lets a conversation start afresh once its session expired', async () => {
        const id = `slack:T1:U${seq}`;
        await s.sessions.save({ id, updatedAt: now.toISOString(), state: { step: 1 }, version: 0 }, later, now);
        const fresh = { id, updatedAt: later.toISOString(), state: { step: 'again', text: 'ünïcode ✓' }, version: 0 };
        await s.sessions.save(fresh, new Date('2026-03-02T11:00:00.000Z'), later);
        expect(await s.sessions.load(id, later)).toEqual({ ...fresh, version: 1 });
        await s.sessions.delete(id);
        expect(await s.sessions.load(id, later)).toBeUndefined();
      });

      it("keeps a conversation's product talk beside its dialog session: each saved, read and deleted on its own", async () => {
        const id = `rest:facets${seq++}@example.com`;
        const talk = facetSessionId('product', id);
        await s.sessions.save({ id, updatedAt: now.toISOString(), state: { dialog: 1 }, version: 0 }, later, now);
        await s.sessions.save({ id: talk, updatedAt: now.toISOString(), state: { talk: 1 }, version: 0 }, later, now);
        expect((await s.sessions.load(talk, now))?.state).toEqual({ talk: 1 });
        const dialog = await s.sessions.load(id, now);
        expect(dialog).toMatchObject({ state: { dialog: 1 }, version: 1 });
        // A turn reads the talk, then the dialog: the dialog sees its own latest save.
        await s.sessions.load(talk, now);
        await s.sessions.save({ ...dialog!, state: { dialog: 2 } }, later, now);
        expect((await s.sessions.load(id, now))?.state).toEqual({ dialog: 2 });
        await s.sessions.delete(talk);
        expect(await s.sessions.load(talk, now)).toBeUndefined();
        expect((await s.sessions.load(id, now))?.state).toEqual({ dialog: 2 });
        expect(await s.sessions.load(facetSessionId('product', `rest:nobody${seq++}@example.com`), now)).toBeUndefined();
      });

      it("lets a seen key be claimed again once it expired (the runners' clocks stand at 09:00)", async () => {
        const key = `slack-event:Old${seq}`;
        expect(await s.idempotency.claimOnce(key, new Date('2026-03-02T08:00:00.000Z'))).toBe(true);
        expect(await s.idempotency.claimOnce(key, later)).toBe(true);
        expect(await s.idempotency.claimOnce(key, later)).toBe(false);
      });

      it('claims a seen key once', async () => {
        const key = `slack-event:Ev${seq}`;
        const results = await Promise.all([1, 2, 3].map(() => s.idempotency.claimOnce(key, later)));
        expect(results.filter(Boolean)).toHaveLength(1);
      });
    });

    if (opts.persistent) {
      it('gives back everything it acknowledged, as written, after it is closed and opened again', async () => {
        const now = new Date('2026-03-02T09:00:01.000Z');
        const later = new Date('2026-03-02T10:00:00.000Z');
        const confirmationKey = `confirm-restart-${seq}`;
        const r = aRequest();
        await s.requests.create(r, [anEffect()], { confirmationKey });
        const approved = await s.requests.transition(
          aTransition(r, 'approve', 'APPROVED', { effects: [anEffect({ seq: 'v00000002.000' })] }),
        );
        await s.requests.annotate(r.id, 'slack', 'C1/1.2');
        const scope = `slack-conversation:T1:R${seq}`;
        const reply = anEffect({ seq: 't000000000000003.000001', payload: { text: 'hi' } });
        await s.effects.enqueue(scope, [reply]);
        await s.slots.claim(r.id, 5, now);
        const session = `rest:restart-${seq}@example.com`;
        await s.sessions.save({ id: session, updatedAt: now.toISOString(), state: { step: 3 }, version: 0 }, later, now);
        const seen = `slack-event:Restart${seq}`;
        await s.idempotency.claimOnce(seen, later);
        const effectsBefore = await s.effects.pending(r.id);

        s = await s.reopen!();

        expect(await s.requests.get(r.id)).toEqual({ ...approved, annotations: { slack: 'C1/1.2' } });
        expect(await s.effects.pending(r.id)).toEqual(effectsBefore);
        expect(await s.effects.pending(scope)).toEqual([reply]);
        expect(await s.effects.due(now, 1000)).toEqual(expect.arrayContaining([r.id, scope]));
        expect((await s.requests.listByStatus('APPROVED', 1000)).map((x) => x.id)).toContain(r.id);
        expect((await s.requests.listByRequester(r.requester.email, 1000)).map((x) => x.id)).toContain(r.id);
        expect((await s.requests.findByAccountName(r.account.name))?.id).toBe(r.id);
        await expect(s.requests.create(aRequest({ email: r.account.email }), [])).rejects.toThrow(DuplicateRequestError);
        await expect(s.requests.create(aRequest(), [], { confirmationKey })).rejects.toThrow(DuplicateConfirmationError);
        expect((await s.slots.holders()).map((h) => h.requestId)).toContain(r.id);
        expect(await s.sessions.load(session, now)).toMatchObject({ state: { step: 3 }, version: 1 });
        expect(await s.idempotency.claimOnce(seen, later)).toBe(false);
        await s.slots.release(r.id);
      });
    }
  });
}
