/**
 * `npm run bundle`: each Lambda handler as one small self-contained file (esbuild), with the bot
 * model and the web assets beside it, in dist/lambda/. No dev dependency ends up in a bundle.
 *
 *   dist/lambda/http.js                 API Gateway (REST v1, HTTP API v2): REST, approval links, Slack
 *   dist/lambda/control-tower-event.js  Control Tower lifecycle events
 *   dist/lambda/reconcile.js            the schedule
 *   dist/lambda/stream.js               the table's stream (side effects)
 */

import { cpSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = join(__dirname, '..');
const out = join(root, 'dist', 'lambda');
export const HANDLERS = ['http', 'control-tower-event', 'reconcile', 'stream'] as const;

export async function bundle(): Promise<{ sizes: Array<{ handler: string; bytes: number }>; packages: string[] }> {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const result = await build({
    metafile: true,
    entryPoints: HANDLERS.map((h) => join(root, 'app', 'lambda', `${h}.ts`)),
    outdir: out,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: true,
    sourcemap: 'external',
    legalComments: 'none',
    // dynalite and the native store (their LevelDB binding, classic-level) serve only the embedded
    // default, never Lambda: the composition root loads them lazily when TABLE_NAME is unset, which lambda.ts refuses.
    external: ['dynalite', 'classic-level'],
    logLevel: 'warning',
  });
  cpSync(join(root, 'manifest', 'bot.yml'), join(out, 'manifest', 'bot.yml'));
  // The approval policy the functions run (and the stack subscribes the e-mails of).
  cpSync(join(root, 'manifest', 'approval-policy.yml'), join(out, 'manifest', 'approval-policy.yml'));
  cpSync(join(root, 'app', 'doors', 'web', 'public'), join(out, 'public'), { recursive: true });
  // Which packages went in (to check that no dev dependency did).
  const packages = new Set(
    Object.keys(result.metafile.inputs).flatMap((input) => {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      return m ? [m[1]] : [];
    }),
  );
  return { sizes: HANDLERS.map((h) => ({ handler: h, bytes: statSync(join(out, `${h}.js`)).size })), packages: [...packages].sort() };
}

if (require.main === module) {
  bundle().then(
    ({ sizes }) => {
      for (const s of sizes) console.log(`dist/lambda/${s.handler}.js  ${(s.bytes / 1024).toFixed(0)} KiB`);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
