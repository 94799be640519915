import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoreDatabase } from '../../../../app/adapters/embedded/store/database';
import { key } from '../../../../app/adapters/embedded/store/keys';

/**
 * Group commit (store/database.ts): transactions queued together read each other's writes and are
 * committed in one batch. A transaction refused for what an earlier one of its group wrote (a hold
 * taken) is told so only once that batch is written, so that its caller finds the winner it names.
 */
describe('the native store group commit', () => {
  let dir: string;
  let db: StoreDatabase;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vending-group-'));
    db = await StoreDatabase.open(join(dir, 'store'));
  });
  afterEach(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('tells a transaction refused by a write of its own group only once that write can be read', async () => {
    const hold = key('hold', 'email', 'team@example.com');
    // A first write makes the next two queue up together while its batch is written.
    const first = db.write((tx) => tx.put(key('other', '1'), 1));
    const winner = db.write((tx) => tx.put(hold, 'req-winner'));
    const loser = db.write((tx) => {
      const holder = tx.get<string>(hold);
      if (holder) throw new Error(`held by ${holder}`);
      tx.put(hold, 'req-loser');
    });
    let winnerAcknowledged = false;
    void winner.then(() => {
      winnerAcknowledged = true;
    });
    const whenRefused = loser.then(
      () => 'not refused',
      () => ({ winnerAcknowledged, holder: db.get<string>(hold) }),
    );
    await Promise.all([first, winner]);
    expect(await whenRefused).toEqual({ winnerAcknowledged: true, holder: 'req-winner' });
  });
});
