/**
 * `npm run bench:cold-start`: the cold start of the bundled HTTP handler, as Lambda would see it,
 * beside a bare Bolt app (scripts/cold-start/bare-bolt.ts: Bolt's own AwsLambdaReceiver answering
 * the same command) bundled with the very same esbuild options, in the same run.
 *
 * Builds both bundles, then N rounds, each of five fresh `node` processes (in turn, so that noise
 * on this machine falls on all alike), each answering API Gateway events:
 * - bare help / bot help: a signed `/vend-account help` (HTTP API v2), answered with a text;
 * - bare modal / bot modal: a signed `/vend-account`, for which both make the same Web API calls
 *   before they acknowledge (users.info, views.open; the bot also reads the table for a name);
 * - bot REST: dist/lambda/http.js answers one REST turn (API Gateway v1, the 2021 API), the figure
 *   the earlier releases reported.
 * Each process loads the bundle (import), answers the first event (which builds the app) and then
 * a second one (warm). Prints load, first-request, warm and whole-process times (medians), the
 * ratio of the bot's load + first request to the bare app's for the same command (per round, then
 * the median), and what each bundle loads at start. The table is the embedded DynamoDB-compatible
 * server and Slack's Web API a loopback fake, both in this process, reached as the real ones would
 * be (AWS_ENDPOINT_URL_DYNAMODB, SLACK_API_URL); the settings are the stack's but for the secrets,
 * which are in the environment (LOG_LEVEL=info unless LOG_LEVEL is set, no Lex, SNS or Secrets Manager).
 *
 * With `--previous <git ref>`, the HTTP handler as that commit bundled it (git archive of its
 * app/, manifest/ and scripts/ into dist/cold-start/previous, bundled by its own scripts/bundle.ts
 * with this node_modules) answers the help command, the modal and the REST turn too, in the same
 * rounds (`--previous HEAD`: the working tree's changes against the last commit).
 *
 *   npm run bench:cold-start                          # 7 rounds
 *   npm run bench:cold-start -- 15                    # 15 rounds
 *   npm run bench:cold-start -- 9 --previous c4b3d85  # and the release before, in the same run
 *   npm run bench:cold-start -- 7 --previous HEAD     # and the last commit's handler
 *   COLD_START_CPU_PROF=/tmp/cold npm run bench:cold-start -- 3  # and a CPU profile of each process, per target (sampled every
 *                                                 # COLD_START_CPU_PROF_INTERVAL µs, 1000 unless set),
 *                                                 # with <pid>.phases.json: when loading ended and the first answer came
 */
import { execFile, execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { startEmbeddedDynamoDb } from '../app/adapters/embedded/dynalite';
import { bundle, entryOf, lambdaBuildOptions, loadedAtStart } from './bundle';
import { startFakeSlackApi } from './fake-slack-api';

const root = join(__dirname, '..');
const SIGNING_SECRET = 'bench-signing-secret-0123456789abcdef';
const BOT_TOKEN = 'xoxb-bench';

/** Runs in the fresh process (an ES module, as Lambda loads the bundle). */
const PROBE = `
const t0 = performance.now();
// A CommonJS bundle (the release before) is required, as Lambda's runtime loads one; ES modules are imported.
const { handler } = process.env.LOAD === 'require'
  ? (await import('node:module')).createRequire(import.meta.url)(new URL(process.env.BUNDLE).pathname)
  : await import(process.env.BUNDLE);
const t1 = performance.now();
const hr1 = process.hrtime.bigint() / 1000n;
const [first, second] = JSON.parse(process.env.EVENTS);
const ctx = { awsRequestId: 'cold', functionName: 'bench', getRemainingTimeInMillis: () => 29000 };
const a = await handler(first, ctx);
const t2 = performance.now();
const hr2 = process.hrtime.bigint() / 1000n;
const b = await handler(second, ctx);
const t3 = performance.now();
for (const r of [a, b]) {
  if (r.statusCode !== 200 || !String(r.body).includes(process.env.EXPECT)) throw new Error('unexpected answer ' + JSON.stringify(r));
}
console.log('FIGURES ' + JSON.stringify({ loadMs: t1 - t0, firstMs: t2 - t1, warmMs: t3 - t2 }));
// Beside the CPU profile: where loading ended and the first request did (µs, the profile's clock), to tell the phases apart.
if (process.env.PHASES_FILE) (await import('node:fs')).writeFileSync(process.env.PHASES_FILE.replace('PID', process.pid), JSON.stringify({ loaded: Number(hr1), firstAnswered: Number(hr2) }));
process.exit(0);
`;

type Figures = { loadMs: number; firstMs: number; warmMs: number; processMs: number };
const ALL_TARGETS = ['bare-help', 'bot-help', 'before-help', 'bare-modal', 'bot-modal', 'before-modal', 'bot-rest', 'before-rest'] as const;
type Target = (typeof ALL_TARGETS)[number];
const LABELS: Record<Target, string> = {
  'bare-help': 'bare help',
  'bot-help': 'bot help',
  'before-help': 'before help',
  'bare-modal': 'bare modal',
  'bot-modal': 'bot modal',
  'before-modal': 'before modal',
  'bot-rest': 'bot REST',
  'before-rest': 'before REST',
};

/** A signed slash command as API Gateway (HTTP API, v2) hands it over; the signature is fresh. */
function slashCommandEvent(text: string, n: number): object {
  const body = new URLSearchParams({
    command: '/vend-account',
    text,
    user_id: 'UBENCH01',
    user_name: 'bench',
    team_id: 'T0001',
    channel_id: 'C0BENCH',
    trigger_id: `t.bench.${n}`,
    response_url: 'https://hooks.slack.test/commands/bench',
    api_app_id: 'A0BENCH',
    token: 'legacy',
  }).toString();
  const ts = Math.floor(Date.now() / 1000);
  const event = JSON.parse(readFileSync(join(root, 'test', 'aws', 'fixtures', 'apigw-v2-template.json'), 'utf8'));
  event.body = Buffer.from(body).toString('base64');
  event.headers['x-slack-request-timestamp'] = String(ts);
  event.headers['x-slack-signature'] = `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
  return event;
}

function restEvents(): object[] {
  const event = JSON.parse(readFileSync(join(root, 'test', 'aws', 'fixtures', 'apigw-v1-account.json'), 'utf8'));
  // Two people, so the second turn is a first turn too.
  return [event, { ...event, body: event.body.replace('user@yourdomain.com', `warm-${Date.now()}@yourdomain.com`) }];
}

/** The bare Bolt app, bundled with the Lambda bundle's own options. */
async function bundleBare(): Promise<{ file: string; bytes: number }> {
  const out = join(root, 'dist', 'cold-start', 'bare');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const result = await build(lambdaBuildOptions({ 'bare-bolt': join(__dirname, 'cold-start', 'bare-bolt.ts') }, out));
  writeFileSync(join(out, 'package.json'), `${JSON.stringify({ type: 'module' })}\n`);
  const entry = entryOf(result.metafile, 'bare-bolt');
  if (!entry) throw new Error('No output for the bare Bolt app');
  const bytes = loadedAtStart(result.metafile, entry).reduce((n, f) => n + statSync(join(root, f)).size, 0);
  return { file: join(out, 'bare-bolt.js'), bytes };
}

/**
 * The HTTP handler as `ref` bundled it (read-only git: an archive of that commit, bundled by its own
 * script): one CommonJS file (releases up to c4b3d85), or ES modules with chunks (a package.json of
 * type module beside it), whose size is the entry's and the chunks it imports statically.
 */
function bundlePrevious(ref: string): { file: string; bytes: number; esm: boolean } {
  const dir = join(root, 'dist', 'cold-start', 'previous');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const tar = execFileSync('git', ['archive', '--format=tar', ref, 'app', 'manifest', 'scripts', 'package.json', 'tsconfig.json'], {
    cwd: root,
    maxBuffer: 512 * 1024 * 1024,
  });
  execFileSync('tar', ['-x', '-C', dir], { input: tar });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  execFileSync(process.execPath, [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(dir, 'scripts', 'bundle.ts')], {
    cwd: dir,
    stdio: 'ignore',
  });
  const out = join(dir, 'dist', 'lambda');
  const file = join(out, 'http.js');
  const esm = existsSync(join(out, 'package.json')) && JSON.parse(readFileSync(join(out, 'package.json'), 'utf8')).type === 'module';
  return { file, bytes: staticallyLoaded(out, 'http.js').reduce((n, f) => n + statSync(join(out, f)).size, 0), esm };
}

/** The file and the chunks it imports statically, transitively (esbuild's minified `from"./chunk-…js"` and `import"./chunk-…js"`). */
function staticallyLoaded(dir: string, file: string, seen = new Set<string>()): string[] {
  if (seen.has(file)) return [...seen];
  seen.add(file);
  for (const m of readFileSync(join(dir, file), 'utf8').matchAll(/(?:from|import)\s*"\.\/(chunk-[\w-]+\.js)"/g))
    staticallyLoaded(dir, m[1], seen);
  return [...seen];
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--previous');
  const previousRef = at >= 0 ? args.splice(at, 2)[1] : undefined;
  if (at >= 0 && !previousRef) throw new Error('--previous needs a git ref (a commit, a tag)');
  const rounds = Math.min(50, Math.max(1, Number(args[0] ?? 7)));
  const TARGETS = ALL_TARGETS.filter((t) => previousRef || !t.startsWith('before'));
  const previous = previousRef ? bundlePrevious(previousRef) : undefined;
  // Built apart from dist/lambda (which tests rebuild), so nothing changes the files under the bench.
  const bot = join(root, 'dist', 'cold-start', 'lambda');
  const { sizes } = await bundle(bot);
  const bare = await bundleBare();
  const table = await startEmbeddedDynamoDb({ tableName: 'vending-bench' });
  const slack = await startFakeSlackApi();
  const dataDir = mkdtempSync(join(tmpdir(), 'vending-cold-'));
  const http = join(bot, 'http.js');
  const env = (target: Target): NodeJS.ProcessEnv => {
    const common = {
      PATH: process.env.PATH,
      AWS_REGION: 'eu-west-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_API_URL: slack.apiUrl,
    };
    const command = target.endsWith('help') ? 'help' : '';
    const rest = target.endsWith('rest');
    const events = rest ? restEvents() : [slashCommandEvent(command, 1), slashCommandEvent(command, 2)];
    // help: the ephemeral text; modal: an empty acknowledgement (the modal went out through views.open).
    const expect = rest ? 'what account type do you want' : command === 'help' ? 'vend-account status' : '';
    if (target.startsWith('bare'))
      return { ...common, BUNDLE: pathToFileURL(bare.file).href, EVENTS: JSON.stringify(events), EXPECT: expect };
    return {
      ...common,
      BUNDLE: pathToFileURL(target.startsWith('before') && previous ? previous.file : http).href,
      LOAD: target.startsWith('before') && !previous?.esm ? 'require' : 'import',
      EVENTS: JSON.stringify(events),
      EXPECT: expect,
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
      AWS_ENDPOINT_URL_DYNAMODB: table.endpoint,
      AWS_LAMBDA_FUNCTION_NAME: 'vending-bench-http',
      TABLE_NAME: 'vending-bench',
      PUBLIC_URL: 'https://abc123defg.execute-api.eu-west-1.amazonaws.com/prod',
      APPROVAL_SECRET: 'b'.repeat(40),
      DATA_DIR: dataDir,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    };
  };
  const results = Object.fromEntries(ALL_TARGETS.map((t) => [t, [] as Figures[]])) as Record<Target, Figures[]>;
  const webApiCalls = { answered: 0 };
  try {
    for (let i = 0; i < rounds; i++) {
      for (const target of TARGETS) {
        const started = performance.now();
        // Asynchronously: the table and the fake Slack are served by this process, which must keep answering.
        const profiles = process.env.COLD_START_CPU_PROF ? join(process.env.COLD_START_CPU_PROF, target) : undefined;
        if (profiles) mkdirSync(profiles, { recursive: true });
        const profile = profiles
          ? ['--cpu-prof', '--cpu-prof-interval', process.env.COLD_START_CPU_PROF_INTERVAL ?? '1000', '--cpu-prof-dir', profiles]
          : [];
        const { stdout } = await promisify(execFile)(process.execPath, [...profile, '--input-type=module', '-e', PROBE], {
          timeout: 60_000,
          env: { ...env(target), ...(profiles ? { PHASES_FILE: join(profiles, 'PID.phases.json') } : {}) },
          maxBuffer: 16 * 1024 * 1024,
        });
        // The probe's figures are its line of output marked FIGURES (the access log writes the others).
        const figures = stdout
          .split('\n')
          .find((l) => l.startsWith('FIGURES '))
          ?.slice('FIGURES '.length);
        if (!figures) throw new Error(`Cold-start probe ${target}, round ${i + 1}, printed nothing`);
        results[target].push({ ...JSON.parse(figures), processMs: performance.now() - started });
      }
    }
    webApiCalls.answered = Object.values(slack.stats().calls).reduce((a, b) => a + b, 0);
  } finally {
    await slack.close();
    await table.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  const m = (t: Target, k: keyof Figures) => median(results[t].map((r) => r[k]));
  const cold = (t: Target) => median(results[t].map((r) => r.loadMs + r.firstMs));
  const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
  const row = (label: string, f: (t: Target) => string) =>
    console.log(`  ${label.padEnd(32)}${TARGETS.map((t) => f(t).padStart(13)).join('')}`);
  console.log(`command: npm run bench:cold-start -- ${rounds}${previousRef ? ` --previous ${previousRef}` : ''}`);
  console.log(
    `machine: node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model.trim()}), LOG_LEVEL=${process.env.LOG_LEVEL ?? 'info'}`,
  );
  console.log('\nloaded at start (minified; the entry file and the chunks it imports):');
  console.log(`  bare Bolt app                      ${kib(bare.bytes)}`);
  if (previous) console.log(`${`  http.js at ${previousRef}`.padEnd(37)}${kib(previous.bytes)}${previous.esm ? '' : ' (one file)'}`);
  for (const s of sizes)
    console.log(`${`  dist/lambda/${s.handler}.js`.padEnd(37)}${kib(s.bytes)} (${kib(s.bytesIfAllConfigured)} with every optional chunk)`);
  console.log(`\ncold start, median of ${rounds} fresh processes each (Web API calls answered by the fake: ${webApiCalls.answered}):`);
  row('', (t) => LABELS[t]);
  row('load the bundle (import)', (t) => `${m(t, 'loadMs').toFixed(0)} ms`);
  row('first request (builds the app)', (t) => `${m(t, 'firstMs').toFixed(0)} ms`);
  row('load + first request', (t) => `${cold(t).toFixed(0)} ms`);
  row('warm request (same process)', (t) => `${m(t, 'warmMs').toFixed(1)} ms`);
  row('whole process (spawn to exit)', (t) => `${m(t, 'processMs').toFixed(0)} ms`);
  const ratio = (a: Target, b: Target) => {
    const rs = results[a].map((r, i) => (r.loadMs + r.firstMs) / (results[b][i].loadMs + results[b][i].firstMs));
    return `median x${median(rs).toFixed(2)} (min x${Math.min(...rs).toFixed(2)}, max x${Math.max(...rs).toFixed(2)})`;
  };
  if (previous) {
    console.log(`before help / bare help, load + first request, per round: ${ratio('before-help', 'bare-help')}`);
    console.log(`bot help / before help, load + first request, per round: ${ratio('bot-help', 'before-help')}`);
    console.log(`bot REST / before REST, load + first request, per round: ${ratio('bot-rest', 'before-rest')}`);
    console.log(`before modal / bare modal, load + first request, per round: ${ratio('before-modal', 'bare-modal')}`);
    console.log(`bot modal / before modal, load + first request, per round: ${ratio('bot-modal', 'before-modal')}`);
  }
  for (const command of ['help', 'modal'] as const) {
    const ratios = results[`bot-${command}`].map(
      (r, i) => (r.loadMs + r.firstMs) / (results[`bare-${command}`][i].loadMs + results[`bare-${command}`][i].firstMs),
    );
    console.log(
      `bot ${command} / bare ${command}, load + first request, per round: median x${median(ratios).toFixed(2)} (min x${Math.min(...ratios).toFixed(2)}, max x${Math.max(...ratios).toFixed(2)})`,
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
