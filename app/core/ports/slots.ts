/** Provisioning slots: at most `max` requests hold one at a time (Control Tower runs 5 operations at once). */
export interface SlotStore {
  claim(requestId: string, max: number, now: Date): Promise<boolean>;
  release(requestId: string): Promise<void>;
  holders(): Promise<Array<{ requestId: string; since: string }>>;
}
