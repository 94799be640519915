/**
 * `npm run bundle`: the Lambda functions' code in dist/lambda/ (esbuild), with the bot model and
 * the approval policy pre-parsed beside it and the web assets. No dev dependency ends up in it.
 *
 *   dist/lambda/http.js                 API Gateway (REST v1, HTTP API v2): REST, approval links, Slack
 *   dist/lambda/control-tower-event.js  Control Tower lifecycle events
 *   dist/lambda/reconcile.js            the schedule
 *   dist/lambda/stream.js               the table's stream (side effects)
 *   dist/lambda/chunk-*.js              code shared by several entries, or loaded only when configured
 *   dist/lambda/manifest/bot.json       the bot model, checked here, read at start instead of bot.yml
 *   dist/lambda/manifest/approval-policy.json   the approval policy, checked (its groups checked again at start, with the approvers of the environment)
 *   dist/lambda/manifest/account-baseline.json  the account baseline, checked here
 *
 * One entry point per function, each loading only what its handler needs: the HTTP function the
 * whole app (app/lambda-http.ts), the others the core and the Slack door's effects only, without
 * Express, Bolt or the doors' routes (app/lambda-worker.ts). ES modules with code splitting, so
 * what is loaded with `await import()` is a chunk of its own that a cold start loads only when it
 * is used: Lex, SNS, Service Catalog and Organizations when configured, Secrets Manager or SSM when
 * configured, the DynamoDB adapters and client with the first store call (app/boot/lazy-stores.ts),
 * the REST, web and approval-link doors with the first request that may reach them
 * (app/boot/lazy-doors.ts), the API Gateway adapter in the HTTP function only, the SDK's
 * credential providers other than the environment's. What Lambda never uses is left
 * out altogether (Socket Mode), or trimmed to what the app uses (iconv-lite, mime-db, zod's
 * locales): see LEAN below. `npm run bundle -- --analyse` prints what each function loads, by package.
 */

import { cpSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild';
import { DEFAULT_BASELINE_PATH, loadAccountBaseline } from '../app/boot/account-baseline-file';
import { withConfiguredApprovers } from '../app/boot/approval-policy-check';
import { DEFAULT_POLICY_PATH, readApprovalPolicy } from '../app/boot/approval-policy-file';
import { DEFAULT_BOT_MODEL_PATH, loadBotModel } from '../app/boot/bot-model-file';
import { PREBUILT_MANIFESTS } from '../app/boot/manifests';
import { DEFAULT_SANDBOX_PRODUCTS_PATH, loadSandboxProducts } from '../app/boot/sandbox-products-file';

const root = join(__dirname, '..');
/** Where `npm run bundle` writes (and the stack takes the code from). */
export const LAMBDA_OUT = join(root, 'dist', 'lambda');
export const HANDLERS = ['http', 'control-tower-event', 'reconcile', 'stream'] as const;

/**
 * ES modules need `require` (for the CommonJS packages' own requires of Node's modules) and
 * `__dirname` (the data files beside the bundle): each output file defines them for itself.
 */
const ESM_BANNER = [
  "import { createRequire as __vbRequire } from 'node:module';",
  "import { fileURLToPath as __vbPath } from 'node:url';",
  "import { dirname as __vbDirname } from 'node:path';",
  'const require = __vbRequire(import.meta.url);',
  'const __filename = __vbPath(import.meta.url);',
  'const __dirname = __vbDirname(__filename);',
].join('\n');

/** The MIME types the app serves or reads (mime-types' lookups by extension, type-is, accepts); the rest of mime-db is left out. */
const WEB_EXTENSIONS = new Set(
  'html htm js mjs cjs css json map txt text svg png jpg jpeg gif webp avif ico woff woff2 ttf otf xml csv md pdf webmanifest wasm zip gz yaml yml'.split(
    ' ',
  ),
);
const KEPT_TYPES = new Set([
  'application/json',
  'application/octet-stream',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'text/plain',
  'text/html',
  'text/event-stream',
]);

/** A class that says, when constructed, why it is not in the bundle. */
const absent = (name: string, why: string) =>
  `class ${name} { constructor() { throw new Error(${JSON.stringify(`${name} is not part of the Lambda bundle: ${why}`)}); } }`;

/** Packages the Lambda functions never run, replaced by stubs that say so should they ever be used. */
const STUBS: Record<string, string> = {
  '@slack/socket-mode': `${absent('SocketModeClient', 'Slack reaches Lambda over HTTP (unset SLACK_APP_TOKEN)')}
module.exports = { SocketModeClient };`,
  '@slack/oauth': `${['InstallProvider', 'FileInstallationStore', 'MemoryInstallationStore'].map((c) => absent(c, 'the bot is installed in one workspace, with its bot token')).join('\n')}
module.exports = { InstallProvider, FileInstallationStore, MemoryInstallationStore };`,
  'thread-stream': `${absent('ThreadStream', 'logs are written to stdout (CloudWatch), not through pino transports')}
module.exports = ThreadStream;`,
  // createLogger pretty-prints only on a terminal; the bundle writes JSON lines wherever it runs.
  'pino-pretty': 'module.exports = () => process.stdout;',
};

/**
 * What the Lambda functions never use, left out or trimmed (esbuild's metafile showed these among
 * the largest inputs: `npm run bundle -- --analyse`):
 * - STUBS: @slack/socket-mode (and the undici it brings, half a megabyte): Slack reaches Lambda over
 *   HTTP, and config.ts chooses Socket Mode only with SLACK_APP_TOKEN, which the stack never sets;
 *   @slack/oauth (and jsonwebtoken, semver): no OAuth installs; pino's transports (thread-stream)
 *   and pino-pretty: JSON lines on stdout.
 * - iconv-lite (the body parsers' charset decoding): Node's own WHATWG TextDecoder decodes the same
 *   charsets (Node ships full ICU); the request bodies the app takes are UTF-8 in practice.
 * - mime-db: only the types of WEB_EXTENSIONS and KEPT_TYPES (the assets served, the bodies read).
 * - zod's locales: only English, the one the messages are in (zod itself configures `en`).
 */
const LEAN: Plugin = {
  name: 'lean-lambda',
  setup(b) {
    b.onResolve({ filter: /^iconv-lite$/ }, () => ({ path: 'iconv-lite', namespace: 'lean' }));
    b.onResolve({ filter: /^mime-db$/ }, () => ({ path: 'mime-db', namespace: 'lean' }));
    for (const [name, contents] of Object.entries(STUBS)) {
      b.onResolve({ filter: new RegExp(`^${name.replace(/[/.]/g, '\\$&')}$`) }, () => ({ path: name, namespace: 'lean-stub' }));
      b.onLoad({ filter: new RegExp(`^${name.replace(/[/.]/g, '\\$&')}$`), namespace: 'lean-stub' }, () => ({ loader: 'js', contents }));
    }
    b.onLoad({ filter: /^iconv-lite$/, namespace: 'lean' }, () => ({
      loader: 'js',
      // The three calls raw-body and body-parser make, on TextDecoder; the error message is iconv-lite's (raw-body matches it).
      contents: `function decoder(encoding) {
  try { return new TextDecoder(String(encoding).toLowerCase()); }
  catch { throw new Error("Encoding not recognized: '" + encoding + "'"); }
}
exports.encodingExists = (encoding) => { try { decoder(encoding); return true; } catch { return false; } };
exports.getDecoder = (encoding) => { const d = decoder(encoding); return { write: (chunk) => d.decode(chunk, { stream: true }), end: () => d.decode() }; };
exports.decode = (buffer, encoding) => decoder(encoding).decode(buffer);`,
    }));
    b.onLoad({ filter: /^mime-db$/, namespace: 'lean' }, () => {
      const db = JSON.parse(readFileSync(require.resolve('mime-db/db.json'), 'utf8')) as Record<string, { extensions?: string[] }>;
      const kept = Object.fromEntries(
        Object.entries(db).filter(([type, entry]) => KEPT_TYPES.has(type) || entry.extensions?.some((e) => WEB_EXTENSIONS.has(e))),
      );
      return { loader: 'json', contents: JSON.stringify(kept) };
    });
    // zod's ES build: the locales index re-exports every language; only English is kept.
    b.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => ({
      loader: 'js',
      resolveDir: dirname(args.path),
      contents: 'export { default as en } from "./en.js";',
    }));
  },
};

/**
 * The build options of the Lambda bundle, shared with the cold-start bench (which bundles a bare
 * Bolt app with the very same options, so the bench compares what the bot adds, not how it is built).
 */
export function lambdaBuildOptions(entryPoints: Record<string, string>, outdir: string): BuildOptions & { metafile: true } {
  return {
    metafile: true,
    entryPoints,
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    // The ES builds (the AWS SDK's dist-es keeps its lazy imports, which become chunks loaded only when used).
    mainFields: ['module', 'main'],
    chunkNames: 'chunk-[hash]',
    banner: { js: ESM_BANNER },
    minify: true,
    sourcemap: 'external',
    legalComments: 'none',
    // dynalite and the native store (their LevelDB binding, classic-level) serve only the embedded
    // default, never Lambda: the composition root loads them lazily when TABLE_NAME is unset, which lambda.ts refuses.
    external: ['dynalite', 'classic-level'],
    plugins: [LEAN],
    logLevel: 'warning',
  };
}

/** What one entry point loads at start: its file and the chunks it imports statically, transitively (not its dynamic imports). */
export function loadedAtStart(metafile: Metafile, entryFile: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const i of metafile.outputs[file]?.imports ?? []) if (i.kind === 'import-statement' && !i.external) visit(i.path);
  };
  visit(entryFile);
  return [...seen];
}

export interface BundleSize {
  handler: string;
  /** The entry file and the chunks it imports statically: what a cold start loads. */
  bytes: number;
  /** The same, with every chunk it may load later (dynamic imports) when configured. */
  bytesIfAllConfigured: number;
}

export async function bundle(out = LAMBDA_OUT): Promise<{ sizes: BundleSize[]; packages: string[]; metafile: Metafile }> {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const result = await build(lambdaBuildOptions(Object.fromEntries(HANDLERS.map((h) => [h, join(root, 'app', 'lambda', `${h}.ts`)])), out));
  // ES modules, whatever the extension: the functions' handlers stay <name>.handler.
  writeFileSync(join(out, 'package.json'), `${JSON.stringify({ type: 'module' })}\n`);
  writeManifests(join(out, 'manifest'));
  cpSync(join(root, 'app', 'doors', 'web', 'public'), join(out, 'public'), { recursive: true });
  // Which packages went in (to check that no dev dependency did).
  const packages = new Set(
    Object.keys(result.metafile.inputs).flatMap((input) => {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      return m ? [m[1]] : [];
    }),
  );
  const size = (files: string[]) => files.reduce((n, f) => n + statSync(join(root, f)).size, 0);
  const sizes = HANDLERS.map((h) => {
    const entry = entryOf(result.metafile, h);
    if (!entry) throw new Error(`No output for the ${h} handler`);
    return {
      handler: h,
      bytes: size(loadedAtStart(result.metafile, entry)),
      bytesIfAllConfigured: size(everything(result.metafile, entry)),
    };
  });
  return { sizes, packages: [...packages].sort(), metafile: result.metafile };
}

/** The output file of a handler's entry point (metafile paths are relative to the repository). */
export function entryOf(metafile: Metafile, name: string): string | undefined {
  return Object.keys(metafile.outputs).find((f) => f.endsWith(`/${name}.js`) && metafile.outputs[f].entryPoint);
}

/** Every output an entry may load, dynamic imports included. */
function everything(metafile: Metafile, entryFile: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const i of metafile.outputs[file]?.imports ?? []) if (!i.external) visit(i.path);
  };
  visit(entryFile);
  return [...seen];
}

/**
 * The bot model and the approval policy as the functions read them (app/boot/manifests.ts): each
 * checked here, so a broken file fails the bundle, and written as JSON. The YAML files are copied
 * too, for BOT_MODEL_PATH / APPROVAL_POLICY pointing at them (the stack subscribes the policy's e-mails).
 */
function writeManifests(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, PREBUILT_MANIFESTS.botModel), JSON.stringify(loadBotModel(DEFAULT_BOT_MODEL_PATH)));
  // Shipped as its schema gives it, once its groups are checked here too (with stand-in approvers):
  // the built-in group `approvers` is the deployed environment's, added and checked at start (manifests.ts).
  const { policy, where } = readApprovalPolicy(DEFAULT_POLICY_PATH);
  const shipped = JSON.stringify(policy);
  withConfiguredApprovers(policy, { emails: ['approvers@example.com'], slack: [] }, DEFAULT_POLICY_PATH, where);
  writeFileSync(join(dir, PREBUILT_MANIFESTS.approvalPolicy), shipped);
  cpSync(DEFAULT_BOT_MODEL_PATH, join(dir, 'bot.yml'));
  cpSync(DEFAULT_POLICY_PATH, join(dir, 'approval-policy.yml'));
  // The account baseline, checked and as JSON (read at start), and as YAML (for ACCOUNT_BASELINE pointing at it).
  writeFileSync(join(dir, PREBUILT_MANIFESTS.accountBaseline), JSON.stringify(loadAccountBaseline(DEFAULT_BASELINE_PATH)));
  cpSync(DEFAULT_BASELINE_PATH, join(dir, 'account-baseline.yml'));
  // The sandbox product catalog, checked, as YAML: read on the first product request only (never at a cold start).
  loadSandboxProducts(DEFAULT_SANDBOX_PRODUCTS_PATH);
  cpSync(DEFAULT_SANDBOX_PRODUCTS_PATH, join(dir, 'sandbox-products.yml'));
}

/** What each function loads at start, by package (largest first): the profile to trim from. */
export function analyse(metafile: Metafile, entryFile: string, top = 25): Array<{ input: string; bytes: number }> {
  const by = new Map<string, number>();
  for (const file of loadedAtStart(metafile, entryFile)) {
    for (const [input, v] of Object.entries(metafile.outputs[file]?.inputs ?? {})) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const key = m ? m[1] : input.startsWith('app/') ? input.split('/').slice(0, 3).join('/') : input;
      by.set(key, (by.get(key) ?? 0) + v.bytesInOutput);
    }
  }
  return [...by]
    .map(([input, bytes]) => ({ input, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, top);
}

const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;

if (require.main === module) {
  bundle().then(
    ({ sizes, metafile }) => {
      for (const s of sizes)
        console.log(
          `dist/lambda/${s.handler}.js  ${kib(s.bytes)} loaded at start (${kib(s.bytesIfAllConfigured)} with every optional chunk)`,
        );
      if (process.argv.includes('--analyse')) {
        for (const h of HANDLERS) {
          const entry = entryOf(metafile, h);
          if (!entry) continue;
          console.log(`\n${h}: loaded at start, by package`);
          for (const { input, bytes } of analyse(metafile, entry)) console.log(`  ${kib(bytes).padStart(9)}  ${input}`);
        }
      }
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
