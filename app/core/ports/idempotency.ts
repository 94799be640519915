/** Remembers keys seen (e.g. Slack event ids) so that a redelivery is not handled twice. */
export interface IdempotencyStore {
  /** True the first time a key is claimed before it expires; false for every repeat. */
  claimOnce(key: string, expiresAt: Date): Promise<boolean>;
}
