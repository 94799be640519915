import nock from 'nock';
import { SessionConflictError } from '../../app/core/errors';
import type { DialogSession, SessionStore } from '../../app/core/ports/sessions';

/**
 * For wire-level tests: no real network (loopback stays open for the app under test), and every
 * answer a test prepared must have been asked for.
 */
export function strictNock(): void {
  beforeAll(() => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending).toEqual([]);
  });
}

/** A SessionStore that keeps sessions in a Map and honours expiresAt and versions, like the real ones. */
export class MemorySessions implements SessionStore {
  readonly items = new Map<string, { session: DialogSession; expiresAt: Date }>();
  async load(id: string, now: Date) {
    const item = this.items.get(id);
    return item && item.expiresAt > now ? structuredClone(item.session) : undefined;
  }
  async save(session: DialogSession, expiresAt: Date, now: Date) {
    const stored = this.items.get(session.id);
    const current = stored && stored.expiresAt > now ? stored.session.version : 0;
    if (current !== session.version) throw new SessionConflictError(`Conversation ${session.id} changed meanwhile`);
    this.items.set(session.id, { session: structuredClone({ ...session, version: session.version + 1 }), expiresAt });
  }
  async delete(id: string) {
    this.items.delete(id);
  }
}
