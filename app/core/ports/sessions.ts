/** Where conversations live between turns, so a restart does not lose one. */

/** A stored conversation; `state` is owned by the engine that wrote it. */
export interface DialogSession {
  id: string;
  updatedAt: string;
  state: Record<string, unknown>;
  /** How many times it was saved; a save is a compare-and-set on it (0: not stored yet). */
  version: number;
}

export interface SessionStore {
  load(sessionId: string, now: Date): Promise<DialogSession | undefined>;
  /**
   * Stores `session` as version `session.version + 1`, only if the stored one is still at
   * `session.version` (0: none, or expired). Throws SessionConflictError otherwise.
   */
  save(session: DialogSession, expiresAt: Date, now: Date): Promise<void>;
  delete(sessionId: string): Promise<void>;
}
