/**
 * `npm run bench:cold-start`: cold start of the bundled HTTP handler, as Lambda would see it.
 * Builds the bundles (npm run bundle), then N times: a fresh `node` process loads
 * dist/lambda/http.js, builds the app (first invocation) and answers one API Gateway v1 event (the
 * 2021 REST turn), then a second, warm one. Prints load, first-request and warm-request times,
 * their ratio, and the bundle sizes. The table is the embedded DynamoDB-compatible server on
 * 127.0.0.1 (reached through AWS_ENDPOINT_URL_DYNAMODB, as a real table would be).
 *
 *   npm run bench:cold-start              # 5 runs
 *   npm run bench:cold-start -- 10        # 10 runs
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startEmbeddedDynamoDb } from '../app/adapters/embedded/dynalite';
import { bundle } from './bundle';

const PROBE = `
const t0 = performance.now();
const { handler } = require(process.env.BUNDLE);
const t1 = performance.now();
const event = JSON.parse(process.env.EVENT);
const ctx = { awsRequestId: 'cold', getRemainingTimeInMillis: () => 29000 };
(async () => {
  const first = await handler(event, ctx);
  const t2 = performance.now();
  const second = await handler({ ...event, body: event.body.replace('user@yourdomain.com', 'warm@yourdomain.com') }, ctx);
  const t3 = performance.now();
  if (first.statusCode !== 200 || second.statusCode !== 200) throw new Error('unexpected status ' + first.statusCode + ' ' + second.statusCode + ' ' + first.body);
  console.log(JSON.stringify({ loadMs: t1 - t0, firstMs: t2 - t1, warmMs: t3 - t2 }));
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(1); });
`;

async function main(): Promise<void> {
  const runs = Math.min(50, Math.max(1, Number(process.argv[2] ?? 5)));
  const { sizes } = await bundle();
  const table = await startEmbeddedDynamoDb({ tableName: 'vending-bench' });
  const dataDir = mkdtempSync(join(tmpdir(), 'vending-cold-'));
  const event = readFileSync(join(__dirname, '..', 'test', 'aws', 'fixtures', 'apigw-v1-account.json'), 'utf8');
  const results: Array<{ loadMs: number; firstMs: number; warmMs: number; processMs: number }> = [];
  try {
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      // Asynchronously: the table is served by this process, which must keep answering.
      const { stdout: out } = await promisify(execFile)(process.execPath, ['-e', PROBE], {
        timeout: 60_000,
        env: {
          PATH: process.env.PATH,
          BUNDLE: join(__dirname, '..', 'dist', 'lambda', 'http.js'),
          EVENT: event,
          AWS_REGION: 'eu-west-1',
          AWS_ACCESS_KEY_ID: 'bench',
          AWS_SECRET_ACCESS_KEY: 'bench',
          AWS_ENDPOINT_URL_DYNAMODB: table.endpoint,
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          TABLE_NAME: 'vending-bench',
          PUBLIC_URL: 'https://abc123defg.execute-api.eu-west-1.amazonaws.com/prod',
          APPROVAL_SECRET: 'b'.repeat(40),
          DATA_DIR: dataDir,
          LOG_LEVEL: 'silent',
        },
      });
      // The probe's figures are its last line of output.
      const figures = out.trim().split('\n').pop();
      if (!figures) throw new Error(`Cold-start probe run ${i + 1} printed nothing`);
      results.push({ ...JSON.parse(figures), processMs: performance.now() - started });
    }
  } finally {
    await table.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const m = (k: keyof (typeof results)[number]) => median(results.map((r) => r[k]));
  console.log(`command: npm run bench:cold-start -- ${runs}`);
  console.log(`machine: node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model.trim()})`);
  console.log('\nbundle sizes (minified, self-contained):');
  for (const s of sizes) console.log(`  dist/lambda/${s.handler}.js  ${(s.bytes / 1024).toFixed(0)} KiB`);
  console.log(`\ncold start of dist/lambda/http.js, median of ${runs} fresh processes:`);
  console.log(`  load the bundle (require)             ${m('loadMs').toFixed(0)} ms`);
  console.log(`  first request (build app + REST turn) ${m('firstMs').toFixed(0)} ms`);
  console.log(`  load + first request                  ${(m('loadMs') + m('firstMs')).toFixed(0)} ms`);
  console.log(`  warm request (same process)           ${m('warmMs').toFixed(1)} ms`);
  console.log(`  whole process (spawn to exit)         ${m('processMs').toFixed(0)} ms`);
  console.log(`  cold (load + first) / warm            x${((m('loadMs') + m('firstMs')) / m('warmMs')).toFixed(1)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
