/**
 * `npm run bench:units`: what one vended account costs on DynamoDB, in calls, read request units
 * (RRU) and write request units (WRU, the base table's and each index's), per step and per account,
 * on the two paths a request takes end to end:
 *   - REST + link: the five REST conversation turns (the fifth, "yes", creates the request), the
 *     approval e-mail's link opened and its form posted (approve), the sandbox factory's completion;
 *   - Slack: /vend-account (opens the modal), the modal's submission, an approver's Approve click,
 *     the sandbox factory's completion;
 * each until SUCCEEDED with every effect carried out (messages, the provisioning queue).
 *
 *   npm run bench:units                          # moto (transactions, as on AWS), 3 accounts per path
 *   npm run bench:units -- --backend dynalite    # dynalite (no transactions: the fenced protocol)
 *   npm run bench:units -- --accounts 5 --calls  # more accounts; every call of the last one listed
 *   npm run bench:units -- --json                # figures as JSON
 *   npm run bench:units -- --check               # exit 1 when REST + link exceeds 60 WRU or 20 RRU
 *
 * The real application (the composition root, TABLE_NAME set: the DynamoDB adapter, embedded
 * dialog with its sessions in the table, outbox, sandbox factory) runs in this process against a
 * metering proxy (scripts/units/meter.ts) in front of moto or dynalite. The units are counted by
 * DynamoDB's documented rules from the items before and after each write (scripts/units/rules.ts
 * says the rules and why neither server's own ConsumedCapacity will do); the servers' own figures
 * are printed for comparison. The table is created from app/adapters/dynamodb/table-schema.ts, as
 * the CDK table is. Timers (the effect sweep every 5 s, tending) are not started: their cost is per
 * minute whatever the number of accounts, and is reported separately (one sweep query).
 */

import { parseArgs } from 'node:util';
import { CreateTableCommand, DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { createTableInput, INDEXES } from '../app/adapters/dynamodb/table-schema';
import { type FakeSlackApi, startFakeSlackApi } from './fake-slack-api';
import { type AppUnderMeter, restAndLink, slackEnv, slackPath, startAppOnTable } from './units/flows';
import { type CallRecord, UnitsMeter } from './units/meter';
import { tableShape } from './units/rules';

const LIMITS = { wru: 60, rru: 20 };
/**
 * Per account, before the narrow indexes and the effect state items: issue 14's figures, and the
 * same meter's on the release before (ALL projections, claims and settles on the request item;
 * moto, 3 accounts per path).
 */
const BASELINES: Record<string, Array<{ what: string; calls: number; rru: number; wru: number }>> = {
  'REST + link': [
    { what: 'issue 14', calls: 52, rru: 20, wru: 184 },
    { what: 'release before (c4b3d85)', calls: 48, rru: 19, wru: 216 },
  ],
  Slack: [
    { what: 'issue 14', calls: 49, rru: 14, wru: 263 },
    { what: 'release before (c4b3d85)', calls: 46, rru: 13, wru: 315 },
  ],
};

interface Options {
  backend: 'moto' | 'dynalite';
  accounts: number;
  json: boolean;
  calls: boolean;
  check: boolean;
  paths: string[];
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      backend: { type: 'string', default: 'moto' },
      accounts: { type: 'string', default: '3' },
      paths: { type: 'string', default: 'rest,slack' },
      json: { type: 'boolean', default: false },
      calls: { type: 'boolean', default: false },
      check: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log('Usage: npm run bench:units -- [--backend moto|dynalite] [--accounts n] [--paths rest,slack] [--calls] [--json] [--check]');
    process.exit(0);
  }
  const accounts = Number(values.accounts);
  if (!Number.isInteger(accounts) || accounts < 1 || accounts > 50) throw new Error('--accounts must be an integer from 1 to 50');
  if (values.backend !== 'moto' && values.backend !== 'dynalite') throw new Error('--backend must be moto or dynalite');
  return {
    backend: values.backend,
    accounts,
    json: values.json,
    calls: values.calls,
    check: values.check,
    paths: values.paths.split(',').map((s) => s.trim()),
  };
}

interface Backend {
  endpoint: string;
  words: string;
  stop(): Promise<void>;
}

async function startBackend(kind: Options['backend']): Promise<Backend> {
  if (kind === 'moto') {
    const { startMoto } = await import('../test/support/moto');
    const moto = await startMoto({ serial: true });
    if (!moto) throw new Error('moto_server is not on PATH; use --backend dynalite (no transactions: the fenced protocol)');
    return { endpoint: moto.endpoint, words: 'moto (TransactWriteItems: the transactional protocol, as on AWS)', stop: moto.stop };
  }
  const { startEmbeddedDynamoDb } = await import('../app/adapters/embedded/dynalite');
  const server = await startEmbeddedDynamoDb();
  return { endpoint: server.endpoint, words: 'dynalite (no transactions: the fenced protocol)', stop: server.close };
}

async function createTable(endpoint: string, name: string): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'units', secretAccessKey: 'units' } });
  try {
    await client.send(new CreateTableCommand(createTableInput(name)));
    await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { TableName: name });
  } finally {
    client.destroy();
  }
}

interface Totals {
  calls: number;
  rru: number;
  wruTable: number;
  wruIndex: Record<string, number>;
  wru: number;
  reported: number;
  ops: Record<string, number>;
  failed: number;
}

function total(records: CallRecord[], accounts = 1): Totals {
  const t: Totals = { calls: 0, rru: 0, wruTable: 0, wruIndex: {}, wru: 0, reported: 0, ops: {}, failed: 0 };
  for (const r of records) {
    t.calls++;
    t.rru += r.rru;
    t.wruTable += r.wruTable;
    for (const [i, u] of Object.entries(r.wruIndex)) t.wruIndex[i] = (t.wruIndex[i] ?? 0) + u;
    t.reported += r.reported ?? 0;
    t.ops[r.op] = (t.ops[r.op] ?? 0) + 1;
    if (r.failed) t.failed++;
  }
  const per = (n: number) => n / accounts;
  return {
    calls: per(t.calls),
    rru: per(t.rru),
    wruTable: per(t.wruTable),
    wruIndex: Object.fromEntries(Object.entries(t.wruIndex).map(([k, v]) => [k, per(v)])),
    wru: per(t.wruTable + Object.values(t.wruIndex).reduce((a, b) => a + b, 0)),
    reported: per(t.reported),
    ops: Object.fromEntries(Object.entries(t.ops).map(([k, v]) => [k, per(v)])),
    failed: per(t.failed),
  };
}

const n = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(1));

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

interface PathResult {
  path: string;
  accounts: number;
  phases: Array<{ phase: string } & Totals>;
  perAccount: Totals;
  lastAccountCalls: CallRecord[];
}

function summarise(path: string, perAccount: CallRecord[][]): PathResult {
  const all = perAccount.flat();
  const phases = [...new Set(all.map((r) => r.phase))].map((phase) => ({
    phase,
    ...total(
      all.filter((r) => r.phase === phase),
      perAccount.length,
    ),
  }));
  return {
    path,
    accounts: perAccount.length,
    phases,
    perAccount: total(all, perAccount.length),
    lastAccountCalls: perAccount.at(-1) ?? [],
  };
}

function print(result: PathResult, listCalls: boolean): void {
  const indexes = Object.keys(INDEXES);
  const row = (name: string, t: Totals) => [
    name,
    n(t.calls),
    n(t.rru),
    n(t.wru),
    n(t.wruTable),
    ...indexes.map((i) => n(t.wruIndex[i] ?? 0)),
    Object.entries(t.ops)
      .map(([op, c]) => `${op.replace('Item', '').replace('TransactWrites', 'Transact')} ${n(c)}`)
      .join(', '),
  ];
  console.log(`\n${result.path} (per account, mean of ${result.accounts})`);
  console.log(
    table([
      ['step', 'calls', 'RRU', 'WRU', 'table', ...indexes, 'calls by operation'],
      ...result.phases.map((p) => row(p.phase, p)),
      row('per account', result.perAccount),
    ]),
  );
  for (const b of BASELINES[result.path] ?? []) {
    const p = result.perAccount;
    console.log(
      `  baseline (${b.what}): ${b.calls} calls, ${b.rru} RRU, ${b.wru} WRU; now ${n(p.calls)} calls, ${n(p.rru)} RRU, ${n(p.wru)} WRU (WRU x${(p.wru / b.wru).toFixed(2)})`,
    );
  }
  const idx = Object.values(result.perAccount.wruIndex).reduce((a, b) => a + b, 0);
  console.log(
    `  index writes: ${n(idx)} of ${n(result.perAccount.wru)} WRU (${Math.round((100 * idx) / result.perAccount.wru)} %); ` +
      `failed conditional calls: ${n(result.perAccount.failed)}; the server itself reported ${n(result.perAccount.reported)} units (RRU + WRU) per account`,
  );
  if (listCalls) {
    console.log(`  every call of the last account:`);
    for (const c of result.lastAccountCalls) {
      const ix = Object.entries(c.wruIndex)
        .map(([i, u]) => `${i} ${u}`)
        .join(', ');
      console.log(
        `    ${c.phase.padEnd(42)} ${c.op.padEnd(18)} RRU ${n(c.rru).padStart(3)}  WRU ${n(c.wruTable).padStart(2)}${ix ? ` + ${ix}` : ''}${c.bytes ? `  (${c.bytes} B)` : ''}${c.failed ? `  (${c.failed})` : ''}\n        ${c.what}`,
      );
    }
  }
}

async function main(): Promise<void> {
  const o = options();
  const watchdog = setTimeout(() => {
    console.error('bench:units: still running after 10 minutes; stopping');
    process.exit(3);
  }, 10 * 60_000);
  watchdog.unref();
  const log = (s: string) => (o.json ? process.stderr.write(`${s}\n`) : console.log(s));
  const backend = await startBackend(o.backend);
  const meter = new UnitsMeter(backend.endpoint, tableShape(createTableInput('units')));
  let slack: FakeSlackApi | undefined;
  const results: PathResult[] = [];
  let target: AppUnderMeter | undefined;
  try {
    const endpoint = await meter.start();
    // The app's DynamoDB client follows the SDK's standard settings: point them at the meter.
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_DYNAMODB: endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'units',
      AWS_SECRET_ACCESS_KEY: 'units',
    });
    delete process.env.AWS_PROFILE;
    const schema = createTableInput('units');
    log(`command: tsx scripts/bench-units.ts ${process.argv.slice(2).join(' ')}`.trim());
    log(`backend: ${backend.words}, behind the units meter (one call at a time)`);
    log(
      `table:   app/adapters/dynamodb/table-schema.ts: ${schema.GlobalSecondaryIndexes?.map((g) => `${g.IndexName} ${g.Projection?.ProjectionType}${g.Projection?.NonKeyAttributes ? ` (${g.Projection.NonKeyAttributes.join(', ')})` : ''}`).join(', ')}`,
    );
    const tag = Date.now().toString(36).toUpperCase();

    if (o.paths.includes('rest')) {
      await createTable(backend.endpoint, 'units-rest');
      target = await startAppOnTable('units-rest', { APPROVER_EMAILS: 'boss@example.com' });
      const accounts: CallRecord[][] = [];
      for (let i = 1; i <= o.accounts; i++) {
        const from = meter.records.length;
        await restAndLink(meter, target, i, tag);
        accounts.push(meter.records.slice(from));
      }
      await target.stop();
      target = undefined;
      results.push(summarise('REST + link', accounts));
    }
    if (o.paths.includes('slack')) {
      await createTable(backend.endpoint, 'units-slack');
      slack = await startFakeSlackApi();
      target = await startAppOnTable('units-slack', slackEnv(slack));
      const accounts: CallRecord[][] = [];
      for (let i = 1; i <= o.accounts; i++) {
        const from = meter.records.length;
        await slackPath(meter, target, slack, i, tag);
        accounts.push(meter.records.slice(from));
      }
      // What the timers cost, once: one effect sweep (nothing due).
      meter.phase = 'sweep';
      const from = meter.records.length;
      await target.app.core.carryOutEffects();
      const sweep = total(meter.records.slice(from));
      await target.stop();
      target = undefined;
      results.push(summarise('Slack', accounts));
      log(`(an effect sweep with nothing due, every 5 s per server: ${n(sweep.calls)} call, ${n(sweep.rru)} RRU)`);
    }
    // Every effect was carried out: no item is left with effects or in the due index.
    for (const t of ['units-rest', 'units-slack'].filter((_, i) => o.paths.includes(['rest', 'slack'][i]))) {
      const left = (await meter.everything(t)).filter((i) => Object.keys(i.effects?.M ?? {}).length > 0 || i.gsi3pk);
      if (left.length) throw new Error(`${t}: ${left.length} items still have effects: ${left.map((i) => i.pk?.S).join(', ')}`);
    }
  } finally {
    await target?.stop().catch(() => undefined);
    await slack?.close().catch(() => undefined);
    await meter.stop();
    await backend.stop();
  }

  if (o.json) console.log(JSON.stringify({ backend: o.backend, limits: LIMITS, baselines: BASELINES, results }, null, 2));
  else for (const r of results) print(r, o.calls);
  const rest = results.find((r) => r.path === 'REST + link');
  let ok = true;
  if (rest) {
    ok = rest.perAccount.wru <= LIMITS.wru && rest.perAccount.rru <= LIMITS.rru;
    log(
      `\nREST + link: ${n(rest.perAccount.wru)} WRU (limit ${LIMITS.wru}), ${n(rest.perAccount.rru)} RRU (limit ${LIMITS.rru}) per account: ${ok ? 'within' : 'OVER'} the limits`,
    );
  }
  clearTimeout(watchdog);
  process.exit(o.check && !ok ? 1 : 0);
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
