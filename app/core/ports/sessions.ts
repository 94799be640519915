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

/**
 * A conversation may keep a second session beside the dialog's: a product talk. Its id names the
 * facet and the conversation, so that a store may keep both together and read them at once (a
 * turn reads the facet first, then the dialog reads its own).
 */
export const SESSION_FACETS = ['product'] as const;
export type SessionFacet = (typeof SESSION_FACETS)[number];
export const facetSessionId = (facet: SessionFacet, sessionId: string): string => `${facet}:${sessionId}`;
/** The facet and conversation of a session id, or no facet for a dialog's own session. */
export function facetOf(id: string): { facet?: SessionFacet; sessionId: string } {
  const facet = SESSION_FACETS.find((f) => id.startsWith(`${f}:`));
  return facet ? { facet, sessionId: id.slice(facet.length + 1) } : { sessionId: id };
}
