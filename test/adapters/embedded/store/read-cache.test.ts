import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { StoreDatabase } from '../../../../app/adapters/embedded/store/database';
import { key, under } from '../../../../app/adapters/embedded/store/keys';

/**
 * The native store reads through caches of keys and whole prefix ranges (store/database.ts). They
 * must never say anything LevelDB would not: after each batch, with reads racing the batches, a
 * get and a range give exactly what a fresh read of the directory gives.
 */
describe('the native store read caches', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vending-read-cache-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('give what LevelDB holds after puts, updates and deletes, also while reads race the batches', async () => {
    const db = await StoreDatabase.open(join(dir, 'store'));
    const scopes = ['req-a', 'req-b', 'req-c'];
    const expected = new Map<string, number>();
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const reads: Array<Promise<unknown>> = [];
    for (let round = 0; round < 200; round++) {
      const scope = scopes[random(3)];
      const k = key('effect', scope, `fx-${random(6)}`);
      const del = random(4) === 0;
      // Reads before, during and after each write, so that some race its batch.
      reads.push(db.range(under('effect', scope)), Promise.resolve(db.get(k)));
      const write = db.write((tx) => {
        if (del) tx.del(k);
        else tx.put(k, round);
      });
      reads.push(db.range(under('effect', scope)));
      await write;
      if (del) expected.delete(k);
      else expected.set(k, round);
      for (const s of scopes) {
        const got = await db.range<number>(under('effect', s));
        const want = [...expected]
          .filter(([e]) => e.startsWith(under('effect', s).gte))
          .sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
        expect(got.map((e) => [e.key, e.value])).toEqual(want);
      }
      expect(db.get(k)).toEqual(del ? undefined : round);
    }
    await Promise.all(reads);
    await db.close();
    // And what the directory holds is the same, read with no cache at all.
    const raw = new ClassicLevel<string, string>(join(dir, 'store'), { keyEncoding: 'utf8', valueEncoding: 'utf8' });
    const stored = new Map((await raw.iterator(under('effect')).all()).map(([k, v]) => [k, JSON.parse(v) as number]));
    await raw.close();
    expect(stored).toEqual(expected);
  });

  it("read what a writer says is not stored (a new request's effects) from memory, and still give what LevelDB holds after the batch", async () => {
    const db = await StoreDatabase.open(join(dir, 'store'));
    const effects = under('effect', 'req-new');
    const dueOf = key('due-of', 'req-new');
    const iterators = jest.spyOn(ClassicLevel.prototype, 'iterator');
    await db.write(async (tx) => {
      tx.storedNothing([effects], [dueOf]);
      expect(await tx.range(effects)).toEqual([]);
      expect(tx.get(dueOf)).toBeUndefined();
      tx.put(key('effect', 'req-new', 'fx-1'), 1);
      tx.put(dueOf, '0');
    });
    expect((await db.range<number>(effects)).map((e) => [e.key, e.value])).toEqual([[key('effect', 'req-new', 'fx-1'), 1]]);
    expect(db.get(dueOf)).toBe('0');
    expect(iterators).not.toHaveBeenCalled();
    iterators.mockRestore();
    await db.close();
    const raw = new ClassicLevel<string, string>(join(dir, 'store'), { keyEncoding: 'utf8', valueEncoding: 'utf8' });
    expect(await raw.iterator(effects).all()).toEqual([[key('effect', 'req-new', 'fx-1'), '1']]);
    await raw.close();
  });
});
