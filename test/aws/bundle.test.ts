import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startEmbeddedDynamoDb } from '../../app/adapters/embedded/dynalite';
import { loadBotModel } from '../../app/boot/bot-model-file';
import { analyse, type BundleSize, bundle, entryOf, HANDLERS, loadedAtStart } from '../../scripts/bundle';

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };

/** npm run bundle: one self-contained file per handler that runs on its own. */
describe('the Lambda bundle', () => {
  let packages: string[];
  let sizes: BundleSize[];
  let metafile: Awaited<ReturnType<typeof bundle>>['metafile'];
  beforeAll(async () => {
    ({ packages, sizes, metafile } = await bundle());
  }, 60_000);
  /** Every source an entry may load, its dynamic imports included. */
  const everything = (entry: string): string[] => {
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const i of metafile.outputs[file]?.imports ?? []) if (!i.external) visit(i.path);
    };
    visit(entry);
    return [...seen].flatMap((f) => Object.keys(metafile.outputs[f]?.inputs ?? {}));
  };

  it('has one file per handler, with the bot model and web assets beside them', () => {
    for (const h of HANDLERS) expect(existsSync(join(root, 'dist', 'lambda', `${h}.js`))).toBe(true);
    expect(existsSync(join(root, 'dist', 'lambda', 'manifest', 'bot.yml'))).toBe(true);
    expect(existsSync(join(root, 'dist', 'lambda', 'public', 'index.html'))).toBe(true);
  });

  it('ships the bot model pre-parsed: the JSON beside the bundle is the checked model', () => {
    const shipped = JSON.parse(readFileSync(join(root, 'dist', 'lambda', 'manifest', 'bot.json'), 'utf8'));
    expect(shipped).toEqual(loadBotModel());
    expect(existsSync(join(root, 'dist', 'lambda', 'manifest', 'approval-policy.json'))).toBe(true);
  });

  it('loads at most 1.5 MiB at start per function, and nothing the configuration does not use', () => {
    for (const s of sizes) expect(s.bytes).toBeLessThanOrEqual(1.5 * 1024 * 1024);
    for (const h of HANDLERS) {
      const entry = entryOf(metafile, h);
      expect(entry).toBeDefined();
      const atStart = analyse(metafile, entry as string, 1_000).map((i) => i.input);
      // Never on Lambda (Socket Mode, OAuth installs, the YAML parser, full charset tables), or only when configured (the other AWS clients).
      for (const absent of [
        '@slack/socket-mode',
        'undici',
        '@slack/oauth',
        'yaml',
        'iconv-lite',
        '@aws-sdk/client-ssm',
        '@aws-sdk/client-secrets-manager',
        '@aws-sdk/client-lex-runtime-v2',
        '@aws-sdk/client-sns',
        '@aws-sdk/client-service-catalog',
        '@aws-sdk/client-organizations',
        // The API Gateway adapter: loaded by the HTTP function's first event only.
        '@codegenie/serverless-express',
      ])
        expect(atStart).not.toContain(absent);
      // The embedded dialog engine: built on the first conversation turn (never with Lex).
      const sources = loadedAtStart(metafile, entry as string).flatMap((f) => Object.keys(metafile.outputs[f].inputs));
      expect(sources.filter((f) => f.startsWith('app/adapters/embedded/dialog/'))).toEqual([]);
      // The DynamoDB adapters and client: loaded with the first store call (a slash command's help makes none).
      expect(sources).not.toContain('app/adapters/dynamodb/store.ts');
      expect(everything(entry as string)).toContain('app/adapters/dynamodb/store.ts');
      // The browsers' and the API's doors: loaded with the first request that may reach them.
      expect(sources.filter((f) => /^app\/doors\/(rest|web|email-link)\//.test(f))).toEqual([]);
      // The data files' schemas: the bundle ships the files checked (manifests.ts), so a cold start never builds them.
      for (const schema of [
        'app/core/bot-model-schema.ts',
        'app/core/request/approval-policy-schema.ts',
        'app/core/request/account-baseline-schema.ts',
      ])
        expect(sources).not.toContain(schema);
      // The HTTP app (its security headers, access log, Slack's Express route): loaded with the first request that is not Slack's.
      for (const absent of ['helmet', 'pino-http']) expect(atStart).not.toContain(absent);
      expect(sources.filter((f) => ['app/doors/http/app.ts', 'app/doors/slack/slack-routes.ts'].includes(f))).toEqual([]);
    }
  });

  it('gives the functions that serve no HTTP neither the HTTP app nor Bolt', () => {
    for (const h of HANDLERS.filter((n) => n !== 'http')) {
      const entry = entryOf(metafile, h) as string;
      const atStart = analyse(metafile, entry, 1_000).map((i) => i.input);
      for (const absent of ['@slack/bolt', 'express', 'helmet', 'pino-http', 'app/doors/http']) expect(atStart).not.toContain(absent);
      expect(everything(entry)).not.toContain('app/doors/slack/slack-door.ts');
      // The Slack door's effects (its messages and replies) are theirs to carry out.
      expect(everything(entry)).toContain('app/doors/slack/slack-effects.ts');
    }
  });

  it('contains no dev dependency', () => {
    expect(packages.length).toBeGreaterThan(10);
    expect(packages.filter((p) => p in pkg.devDependencies)).toEqual([]);
  });

  it('answers an API Gateway event in a fresh process with nothing but the bundle', async () => {
    // Copied out of the repository, so that no node_modules above it can stand in for a missing piece.
    const alone = mkdtempSync(join(tmpdir(), 'vending-bundle-'));
    cpSync(join(root, 'dist', 'lambda'), alone, { recursive: true });
    const table = await startEmbeddedDynamoDb({ tableName: 'bundle-test' });
    // The bundle is ES modules (package.json type: module beside it), as Lambda loads it.
    const probe = `
      const event = require(${JSON.stringify(join(__dirname, 'fixtures', 'apigw-v1-account.json'))});
      import(${JSON.stringify(join(alone, 'http.js'))})
        .then(({ handler }) => handler(event, { awsRequestId: 'x' }))
        .then((r) => { console.log(JSON.stringify(r)); process.exit(0); }, (e) => { console.error(e); process.exit(1); });`;
    try {
      const { stdout } = await promisify(execFile)(process.execPath, ['-e', probe], {
        cwd: alone,
        timeout: 30_000,
        env: {
          PATH: process.env.PATH,
          NODE_PATH: '',
          AWS_REGION: 'eu-west-1',
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
          AWS_ENDPOINT_URL_DYNAMODB: table.endpoint,
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          TABLE_NAME: 'bundle-test',
          PUBLIC_URL: 'https://api.example.com/prod',
          APPROVAL_SECRET: 'c'.repeat(40),
          DATA_DIR: '/tmp',
          LOG_LEVEL: 'silent',
        },
      });
      const res = JSON.parse(stdout.trim().split('\n').pop()!);
      expect(res.statusCode).toBe(200);
      expect(JSON.parse(res.body).response).toBe('Hi TestUser-Name, what account type do you want? Production or Sandbox?');
    } finally {
      await table.close();
      rmSync(alone, { recursive: true, force: true });
    }
  });
});
