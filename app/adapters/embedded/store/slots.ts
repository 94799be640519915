import type { SlotStore } from '../../../core/ports/slots';
import type { StoreDatabase } from './database';
import { K } from './keys';

type Slot = { requestId: string; since: string };

/** At most `max` provisioning operations: numbered slot records, one holder each, taken in one transaction. */
export class NativeSlotStore implements SlotStore {
  constructor(private readonly db: StoreDatabase) {}

  claim(requestId: string, max: number, now: Date): Promise<boolean> {
    return this.db.write(async (tx) => {
      const slots = await tx.range<Slot>(K.slots());
      if (slots.some((s) => s.value.requestId === requestId)) return true;
      const taken = new Set(slots.map((s) => s.key));
      for (let n = 0; n < max; n++) {
        if (taken.has(K.slot(n))) continue;
        tx.put(K.slot(n), { requestId, since: now.toISOString() } satisfies Slot);
        return true;
      }
      return false;
    });
  }

  release(requestId: string): Promise<void> {
    return this.db.write(async (tx) => {
      for (const slot of await tx.range<Slot>(K.slots())) if (slot.value.requestId === requestId) tx.del(slot.key);
    });
  }

  async holders(): Promise<Array<{ requestId: string; since: string }>> {
    return (await this.db.range<Slot>(K.slots())).map(({ value: { requestId, since } }) => ({ requestId, since }));
  }
}
