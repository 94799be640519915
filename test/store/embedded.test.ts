import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openNativeStore } from '../../app/adapters/embedded/store/native-store';
import { type OpenStores, storeContract } from './contract';

/**
 * The native embedded store (LevelDB through classic-level, the `npm start` default) under the
 * store contract, on a fresh temporary data directory; being persistent, it also runs the
 * contract's restart case (closed and opened again on the same directory).
 */
const clock = { now: () => new Date('2026-03-02T09:00:00.000Z') };

storeContract(
  'native embedded store (LevelDB)',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vending-native-store-'));
    const openOn = async (): Promise<OpenStores> => {
      const store = await openNativeStore(join(dir, 'store'), { clock });
      let closed = false;
      const closeStore = async () => {
        if (!closed) await store.close();
        closed = true;
      };
      return {
        ...store,
        close: async () => {
          await closeStore();
          rmSync(dir, { recursive: true, force: true });
        },
        reopen: async () => {
          await closeStore();
          return openOn();
        },
      };
    };
    return openOn();
  },
  { persistent: true },
);
