import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BuildOptions } from '../../app/boot/composition';
import { createVendingApp, type VendingApp } from '../../app/boot/composition';
import { loadConfig } from '../../app/boot/config';
import { createLogger } from '../../app/boot/logger';
import { ApprovalTokens } from '../../app/core/request/approval-link';

export interface RunningApp {
  app: VendingApp;
  baseUrl: string;
  dataDir: string;
  /** Waits until every side effect started so far has finished. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the real application (embedded store, dialog, outbox, sandbox factory) on a loopback
 * port with its own temporary data directory.
 */
export async function startApp(
  env: Record<string, string> = {},
  opts: Omit<BuildOptions, 'logger'> & { background?: boolean; dataDir?: string; keepData?: boolean } = {},
): Promise<RunningApp> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'vending-test-'));
  const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', SANDBOX_PROVISION_SECONDS: '0.2', LOG_LEVEL: 'silent', ...env });
  const app = await createVendingApp(config, { ...opts, logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent') });
  const http = await app.httpApp();
  const server: Server = await new Promise((resolve) => {
    const s = http.listen(0, '127.0.0.1', () => resolve(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Approval links must point at this server: PUBLIC_URL is only known once the port is.
  (app.config as { publicUrl: string }).publicUrl = env.PUBLIC_URL ?? baseUrl;
  if (opts.background) await app.start();
  return {
    app,
    baseUrl,
    dataDir,
    settle: () => app.core.settled(),
    async stop() {
      await new Promise((resolve) => server.close(resolve));
      await app.close();
      if (!opts.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls `check` until it returns a value (bounded: fails after `timeoutMs`). */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 10_000, everyMs = 50): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`Condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Signs approval tokens with the running app's own secret (generated into its data dir), for links a test forges. */
export function linkSigner(dataDir: string): ApprovalTokens {
  return new ApprovalTokens(readFileSync(join(dataDir, 'approval-secret'), 'utf8').trim());
}
