import { type EmbeddedDynamoDb, startEmbeddedDynamoDb } from '../../app/adapters/embedded/dynalite';
import { type RunningApp, startApp } from '../support/app';

/**
 * Races at the level a user sees them: concurrent "yes" turns of one conversation, and different
 * people confirming at once a request for the same root e-mail. Whatever the concurrency: one
 * request per confirmed conversation, at most one open request per account e-mail, the losers get
 * a 409 naming the request that won, and no answer is a 5xx.
 */

interface Turn {
  status: number;
  body: { response?: string; requestId?: string; conflictingRequestId?: string; error?: string; state?: string };
}

async function say(base: string, person: string, UserInput: string): Promise<Turn> {
  const res = await fetch(`${base}/account`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ UserEmail: `${person}@example.com`, UserName: person, UserLastname: 'Racer', UserInput }),
  });
  return { status: res.status, body: (await res.json()) as Turn['body'] };
}

/** Brings `person`'s conversation to its confirmation question. */
async function upToConfirmation(base: string, person: string, rootEmail: string): Promise<void> {
  const confirm = await say(base, person, `a sandbox account in Demos for ${rootEmail}`);
  expect(confirm.body.state).toBe('ConfirmIntent');
}

async function requestsOf(base: string, person: string): Promise<Array<{ id: string; status: string; account: { email: string } }>> {
  const res = await fetch(`${base}/requests?email=${person}@example.com`);
  return ((await res.json()) as { requests: Array<{ id: string; status: string; account: { email: string } }> }).requests;
}

/** The requests' outcomes per conversation: who won (200 with a request id) and who lost (409 naming it). */
function tally(turns: Turn[]) {
  const statuses = turns.map((t) => t.status);
  return {
    created: turns.filter((t) => t.status === 200 && t.body.requestId).map((t) => t.body.requestId!),
    conflicts: turns.filter((t) => t.status === 409),
    other: statuses.filter((s) => s !== 200 && s !== 409),
  };
}

describe('races through the REST door (one app)', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp({ APPROVER_EMAILS: 'boss@example.com' });
  });
  afterAll(() => running.stop());

  it('50 concurrent "yes" in 5 conversations make exactly 5 requests; the 45 others get a 409 naming their conversation\'s request', async () => {
    const people = ['ana', 'ben', 'cem', 'dan', 'eva'].map((p) => `yes-${p}`);
    for (const p of people) await upToConfirmation(running.baseUrl, p, `${p}-team@example.com`);
    const turns = await Promise.all(
      people.flatMap((p) => Array.from({ length: 10 }, () => say(running.baseUrl, p, 'yes').then((t) => ({ p, t })))),
    );
    for (const p of people) {
      const mine = tally(turns.filter((x) => x.p === p).map((x) => x.t));
      expect(mine.other).toEqual([]);
      expect(mine.created).toHaveLength(1);
      expect(mine.conflicts).toHaveLength(9);
      for (const lost of mine.conflicts) {
        expect(lost.body.conflictingRequestId).toBe(mine.created[0]);
        expect(lost.body.response).toContain(mine.created[0]);
      }
      expect((await requestsOf(running.baseUrl, p)).map((r) => r.id)).toEqual(mine.created);
    }
  });

  it('20 people confirming at once a request for one root e-mail leave one open request; 19 get a 409 naming it', async () => {
    const people = Array.from({ length: 20 }, (_, i) => `same-${i}`);
    const rootEmail = 'shared-root@example.com';
    for (const p of people) await upToConfirmation(running.baseUrl, p, rootEmail);
    const turns = await Promise.all(people.map((p) => say(running.baseUrl, p, 'yes')));
    const { created, conflicts, other } = tally(turns);
    expect(other).toEqual([]);
    expect(created).toHaveLength(1);
    expect(conflicts).toHaveLength(19);
    for (const lost of conflicts)
      expect(lost.body).toMatchObject({ conflictingRequestId: created[0], error: expect.stringContaining(created[0]) });
    const all = (await Promise.all(people.map((p) => requestsOf(running.baseUrl, p)))).flat();
    expect(all.map((r) => r.id)).toEqual(created);
  });

  it('a second turn of a conversation waits for the first: two answers given at once are taken in order, never both on the same state', async () => {
    const p = 'quick-typist';
    await say(running.baseUrl, p, 'I would like a new account');
    const [type, email] = await Promise.all([say(running.baseUrl, p, 'Sandbox'), say(running.baseUrl, p, 'quick-team@example.com')]);
    expect(type.body.response).toContain('e-mail address');
    expect(email.body.response).toContain('Experiment or Demos');
  });
});

describe('races across two app processes sharing one store', () => {
  let db: EmbeddedDynamoDb;
  let a: RunningApp;
  let b: RunningApp;
  const saved = { ...process.env };

  beforeAll(async () => {
    db = await startEmbeddedDynamoDb();
    // Both apps use the DynamoDB adapter on the same server through the standard SDK settings.
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
      AWS_REGION: 'local',
      AWS_ACCESS_KEY_ID: 'embedded',
      AWS_SECRET_ACCESS_KEY: 'embedded',
    });
    const env = { TABLE_NAME: db.tableName, APPROVER_EMAILS: 'boss@example.com' };
    a = await startApp(env);
    b = await startApp(env);
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await db?.close();
    process.env = saved;
  });

  it('"yes" sent to both at once makes one request per conversation; the losers get a 409 naming it', async () => {
    const people = ['fay', 'gus', 'hal'].map((p) => `two-${p}`);
    for (const p of people) await upToConfirmation(a.baseUrl, p, `${p}-team@example.com`);
    const turns = await Promise.all(
      people.flatMap((p) => Array.from({ length: 8 }, (_, i) => say(i % 2 ? a.baseUrl : b.baseUrl, p, 'yes').then((t) => ({ p, t })))),
    );
    for (const p of people) {
      const mine = tally(turns.filter((x) => x.p === p).map((x) => x.t));
      expect(mine.other).toEqual([]);
      expect(mine.created).toHaveLength(1);
      for (const lost of mine.conflicts) expect(lost.body.conflictingRequestId).toBe(mine.created[0]);
      expect((await requestsOf(b.baseUrl, p)).map((r) => r.id)).toEqual(mine.created);
    }
  });
});
