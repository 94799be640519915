import { SessionConflictError } from '../../../core/errors';
import type { DialogSession, SessionStore } from '../../../core/ports/sessions';
import type { StoreDatabase } from './database';
import { deleteExpiring, type Expiring, putExpiring } from './expiry';
import { K } from './keys';

type StoredSession = DialogSession & Expiring;

/**
 * Dialog sessions: each save is a compare-and-set on the session's version (a transaction), so
 * two turns of one conversation never both build on the same state. Expired sessions read as absent.
 */
export class NativeSessionStore implements SessionStore {
  constructor(private readonly db: StoreDatabase) {}

  async load(sessionId: string, now: Date): Promise<DialogSession | undefined> {
    const stored = this.db.get<StoredSession>(K.session(sessionId));
    if (!stored || stored.expiresAt <= now.getTime()) return undefined;
    const { expiresAt: _expiresAt, ...session } = stored;
    return session;
  }

  save(session: DialogSession, expiresAt: Date, now: Date): Promise<void> {
    return this.db.write((tx) => {
      const key = K.session(session.id);
      const stored = tx.get<StoredSession>(key);
      const live = stored && stored.expiresAt > now.getTime() ? stored : undefined;
      // A first save finds nothing (or an expired one); a later one finds the version it built on.
      if ((live?.version ?? 0) !== session.version) throw new SessionConflictError(`Conversation ${session.id} changed meanwhile`);
      const next: StoredSession = {
        id: session.id,
        updatedAt: session.updatedAt,
        state: session.state,
        version: session.version + 1,
        expiresAt: expiresAt.getTime(),
      };
      putExpiring(tx, key, next, stored);
    });
  }

  delete(sessionId: string): Promise<void> {
    return this.db.write((tx) => deleteExpiring(tx, K.session(sessionId)));
  }
}
