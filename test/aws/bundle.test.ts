import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startEmbeddedDynamoDb } from '../../app/adapters/embedded/dynalite';
import { bundle, HANDLERS } from '../../scripts/bundle';

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };

/** npm run bundle: one self-contained file per handler that runs on its own. */
describe('the Lambda bundle', () => {
  let packages: string[];
  beforeAll(async () => {
    ({ packages } = await bundle());
  }, 60_000);

  it('has one file per handler, with the bot model and web assets beside them', () => {
    for (const h of HANDLERS) expect(existsSync(join(root, 'dist', 'lambda', `${h}.js`))).toBe(true);
    expect(existsSync(join(root, 'dist', 'lambda', 'manifest', 'bot.yml'))).toBe(true);
    expect(existsSync(join(root, 'dist', 'lambda', 'public', 'index.html'))).toBe(true);
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
    const probe = `
      const { handler } = require(${JSON.stringify(join(alone, 'http.js'))});
      const event = require(${JSON.stringify(join(__dirname, 'fixtures', 'apigw-v1-account.json'))});
      handler(event, { awsRequestId: 'x' }).then((r) => { console.log(JSON.stringify(r)); process.exit(0); }, (e) => { console.error(e); process.exit(1); });`;
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
