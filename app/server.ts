import type { AddressInfo } from 'node:net';
import { createVendingApp } from './boot/composition';
import { type Config, loadConfig } from './boot/config';
import { ConfigError } from './core/errors';

/** The local entry point: `npm start`. Everything it runs is built by the composition root. */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const app = await createVendingApp(config);
  try {
    // The sandbox product catalog is read on first use; here at once, so a broken file is said at start.
    if (app.core.hasCatalog && app.core.catalog.kind === 'sandbox') await app.core.catalog.products();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exit(1);
  }
  const server = (await app.httpApp()).listen(config.PORT, config.HOST, () => {
    const { port } = server.address() as AddressInfo;
    const ports = Object.entries(app.describe())
      .map(([k, v]) => `  ${k.padEnd(15)} ${v}`)
      .join('\n');
    console.log(
      `\nVending bot listening on http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${port}\n${ports}\n  Chat page       ${config.publicUrl}/\n  Outbox          ${config.publicUrl}/outbox\n`,
    );
  });
  await app.start();

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    server.close(() => {
      app.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
