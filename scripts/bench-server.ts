import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVendingApp } from '../app/boot/composition';
import { loadConfig } from '../app/boot/config';

/**
 * The app under benchmark, started by scripts/bench.ts as a child process (so that the load
 * generator does not share the app's event loop). It is the real application as `npm start` builds
 * it (embedded DynamoDB-compatible store, embedded dialog, outbox, sandbox factory, background
 * timers), on 127.0.0.1 with a fresh temporary data directory and logging off.
 *
 * Protocol (IPC): the parent may pass extra settings as JSON in BENCH_APP_ENV; the child sends
 * `{ type: 'ready', port, startupMs }` once listening and stops on the message 'stop' or when the
 * parent goes away, removing its data directory.
 */

export interface ReadyMessage {
  type: 'ready';
  port: number;
  /** From the start of this module to listening: building the app, store and dialog. */
  startupMs: number;
}

async function main(): Promise<void> {
  const started = performance.now();
  const dataDir = mkdtempSync(join(tmpdir(), 'vending-bench-'));
  const extra = JSON.parse(process.env.BENCH_APP_ENV || '{}') as Record<string, string>;
  // EMBEDDED_STORE (native | dynalite) from the bench's own environment, to compare the embedded stores.
  const store = process.env.EMBEDDED_STORE ? { EMBEDDED_STORE: process.env.EMBEDDED_STORE } : {};
  const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', ...store, ...extra });
  const app = await createVendingApp(config);
  const server = (await app.httpApp()).listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  // Links in the approval mails point at this server (as startApp does for tests).
  (app.config as { publicUrl: string }).publicUrl = `http://127.0.0.1:${port}`;
  void app.start();

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.closeAllConnections();
    server.close(() => {
      app
        .close()
        .catch(() => undefined)
        .finally(() => {
          rmSync(dataDir, { recursive: true, force: true });
          process.exit(0);
        });
    });
    setTimeout(() => {
      rmSync(dataDir, { recursive: true, force: true });
      process.exit(1);
    }, 10_000).unref();
  };
  process.on('message', (m) => m === 'stop' && stop());
  process.on('disconnect', stop);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  const ready: ReadyMessage = { type: 'ready', port, startupMs: performance.now() - started };
  process.send?.(ready);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
