import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { dynamoDbStreamFeed } from '../adapters/dynamodb/stream-feed';
import { Outbox } from '../adapters/embedded/outbox';
import { SandboxAccountFactory } from '../adapters/embedded/sandbox-factory';
import type { BotModel } from '../core/bot-model';
import type { AccountBaseline } from '../core/ports/account-baseline';
import type { AccountFactory } from '../core/ports/account-factory';
import type { Clock } from '../core/ports/clock';
import type { Dialog } from '../core/ports/dialog';
import type { EffectStore } from '../core/ports/effects';
import type { IdempotencyStore } from '../core/ports/idempotency';
import type { Logger } from '../core/ports/logger';
import type { Notifier } from '../core/ports/notifier';
import type { AccountDirectory } from '../core/ports/organization';
import type { ProductFactory } from '../core/ports/product-factory';
import type { RequestStore } from '../core/ports/requests';
import type { SessionStore } from '../core/ports/sessions';
import type { SlotStore } from '../core/ports/slots';
import type { CorePorts } from '../core/vending-core';
import type { Config } from './config';
import { lazyDynamoDbStores } from './lazy-stores';
import { onFirstUse } from './on-first-use';
import { productsFromConfig } from './products-from-config';

/**
 * Chooses each port's implementation from the configuration: the AWS adapter when its setting is
 * there (TABLE_NAME, LEX_BOT_ID, SNS_TOPIC_ARN, ACCOUNT_FACTORY_PRODUCT_ID/NAME), the embedded
 * default otherwise. Any mix works. AWS clients follow the SDK's standard settings (AWS_REGION,
 * credentials chain, AWS_ENDPOINT_URL_<SERVICE>). Each AWS adapter (and its SDK client) is loaded
 * only when its setting is there (a dynamic import, a chunk of its own in the Lambda bundle), so a
 * process never loads the code of a service it does not use.
 */
export interface Ports extends CorePorts {
  /** Set when the factory is the sandbox (its simulated completions need a listener). */
  sandboxFactory?: SandboxAccountFactory;
  /** What each port runs on, in words. */
  description: Record<string, string>;
  close(): Promise<void>;
}

export interface PortOverrides {
  notifier?: Notifier;
  factory?: AccountFactory;
  dialog?: Dialog;
  baseline?: AccountBaseline;
  directory?: AccountDirectory;
  products?: ProductFactory;
}

export async function portsFromConfig(
  config: Config,
  deps: { clock: Clock; log: Logger; model: BotModel; overrides?: PortOverrides },
): Promise<Ports> {
  const { clock, log, model } = deps;
  const dataDir = resolve(config.DATA_DIR);
  const closers: Array<() => Promise<void> | void> = [];

  const {
    requests,
    effects,
    slots,
    sessions,
    idempotency,
    description: storeWords,
    close: closeStore,
  } = await storeFromConfig(config, dataDir, clock, log);
  closers.push(closeStore);

  let notifier: Notifier;
  if (deps.overrides?.notifier) notifier = deps.overrides.notifier;
  else if (config.SNS_TOPIC_ARN) {
    const { SnsNotifier } = await import('../adapters/sns/sns-notifier');
    notifier = new SnsNotifier({ topicArn: config.SNS_TOPIC_ARN, log });
  } else notifier = new Outbox(join(dataDir, 'outbox.jsonl'), log);

  let sandboxFactory: SandboxAccountFactory | undefined;
  let directory: AccountDirectory | undefined;
  let factory: AccountFactory;
  if (deps.overrides?.factory) factory = deps.overrides.factory;
  else if (config.ACCOUNT_FACTORY_PRODUCT_ID || config.ACCOUNT_FACTORY_PRODUCT_NAME) {
    const [{ ServiceCatalogAccountFactory }, { OrganizationsDirectory }] = await Promise.all([
      import('../adapters/service-catalog/account-factory'),
      import('../adapters/organizations/directory'),
    ]);
    factory = new ServiceCatalogAccountFactory({
      productId: config.ACCOUNT_FACTORY_PRODUCT_ID,
      productName: config.ACCOUNT_FACTORY_PRODUCT_NAME,
      log,
    });
    // The real Account Factory runs in the management account, the one place Organizations answers.
    directory = new OrganizationsDirectory();
  } else {
    const sandbox = new SandboxAccountFactory({
      delayMs: config.SANDBOX_PROVISION_SECONDS * 1000,
      failPattern: new RegExp(config.SANDBOX_FAIL_PATTERN, 'i'),
      clock,
    });
    factory = sandboxFactory = sandbox;
    closers.unshift(() => sandbox.close());
  }
  // Products: the configured portfolios; the sandbox catalog beside the sandbox factory; none beside the real one without portfolios.
  const realFactory = !!(config.ACCOUNT_FACTORY_PRODUCT_ID || config.ACCOUNT_FACTORY_PRODUCT_NAME);
  const products =
    deps.overrides?.products ??
    (realFactory && !config.PRODUCT_PORTFOLIO_IDS.length ? undefined : productsFromConfig(config, { clock, log }));
  // Accounts are closed where they were made: in Organizations beside the real factory, in its simulation beside the sandbox.
  if (deps.overrides?.directory) directory = deps.overrides.directory;
  else if (!directory) {
    const { SandboxOrganization } = await import('../adapters/embedded/sandbox-organization');
    directory = new SandboxOrganization({
      clock,
      closeDelayMs: config.SANDBOX_PROVISION_SECONDS * 1000,
      closeQuota: config.SANDBOX_CLOSE_QUOTA,
    });
  }

  // The baseline goes where the factory goes: on AWS beside the real Account Factory (the
  // management account), simulated beside the sandbox one.
  let baseline: AccountBaseline;
  if (deps.overrides?.baseline) baseline = deps.overrides.baseline;
  else if (config.ACCOUNT_FACTORY_PRODUCT_ID || config.ACCOUNT_FACTORY_PRODUCT_NAME) {
    const { AwsAccountBaseline } = await import('../adapters/baseline/aws-baseline');
    baseline = new AwsAccountBaseline({
      ...(config.IDENTITY_CENTER_REGION ? { identityCenterRegion: config.IDENTITY_CENTER_REGION } : {}),
    });
  } else baseline = new (await import('../adapters/embedded/sandbox-baseline')).SandboxAccountBaseline({ clock });

  let dialog: Dialog;
  if (deps.overrides?.dialog) dialog = deps.overrides.dialog;
  else if (config.LEX_BOT_ID && config.LEX_BOT_ALIAS_ID) {
    const { LexDialog } = await import('../adapters/lex/lex-dialog');
    dialog = new LexDialog({
      region: config.LEX_REGION,
      botId: config.LEX_BOT_ID,
      botAliasId: config.LEX_BOT_ALIAS_ID,
      localeId: config.LEX_LOCALE_ID,
      organizationalUnits: config.organizationalUnits,
      log,
    });
  } else {
    // The embedded engine indexes the bot model as it is built: on the first turn, so that a process
    // that never converses (a slash command's help, the table's stream) never loads nor builds it.
    dialog = lazyDialog('embedded', async () => {
      const { EmbeddedDialog } = await import('../adapters/embedded/dialog/embedded-dialog');
      return new EmbeddedDialog({ model, sessions, clock, organizationalUnits: config.organizationalUnits });
    });
  }

  return {
    requests,
    effects,
    slots,
    idempotency,
    sessions,
    notifier,
    factory,
    sandboxFactory,
    directory,
    products,
    baseline,
    dialog,
    feed: dynamoDbStreamFeed,
    clock,
    log,
    description: {
      store: storeWords,
      dialog:
        dialog.kind === 'lex'
          ? `lex (bot ${config.LEX_BOT_ID}, alias ${config.LEX_BOT_ALIAS_ID}, ${config.LEX_LOCALE_ID})`
          : `${dialog.kind} (manifest/bot.yml)`,
      notifier:
        notifier instanceof Outbox
          ? `outbox (${join(dataDir, 'outbox.jsonl')})`
          : config.SNS_TOPIC_ARN && !deps.overrides?.notifier
            ? `sns (${config.SNS_TOPIC_ARN})`
            : notifier.kind,
      accountFactory: sandboxFactory
        ? 'SANDBOX (simulated; no real AWS accounts)'
        : factory.kind === 'service-catalog'
          ? `service-catalog (${config.ACCOUNT_FACTORY_PRODUCT_ID ?? config.ACCOUNT_FACTORY_PRODUCT_NAME})`
          : factory.kind,
      baseline: baseline.kind === 'sandbox' ? 'SANDBOX (simulated; nothing is sent to AWS)' : baseline.kind,
      products: !products
        ? 'none (no PRODUCT_PORTFOLIO_IDS)'
        : products.kind === 'sandbox'
          ? 'SANDBOX (simulated launches; manifest/sandbox-products.yml)'
          : `service-catalog (${config.PRODUCT_PORTFOLIO_IDS.join(', ')})`,
      organization:
        directory.kind === 'sandbox' ? `SANDBOX (simulated closes; quota ${config.SANDBOX_CLOSE_QUOTA} in 30 days)` : directory.kind,
    },
    async close() {
      for (const close of closers) await close();
    },
  };
}

/** A dialog built when it is first used (a failed build is tried again on the next turn). */
function lazyDialog(kind: string, build: () => Promise<Dialog>): Dialog {
  const dialog = onFirstUse(build);
  return {
    kind,
    turn: async (input) => (await dialog()).turn(input),
    end: async (sessionId) => (await dialog()).end(sessionId),
  };
}

/** The store ports, on one store, with what it is in words. */
interface StorePorts {
  requests: RequestStore;
  effects: EffectStore;
  slots: SlotStore;
  sessions: SessionStore;
  idempotency: IdempotencyStore;
  description: string;
  close(): Promise<void>;
}

/**
 * The store: the DynamoDB table when TABLE_NAME is set; else, under DATA_DIR, the native embedded
 * store (EMBEDDED_STORE=native, the default: LevelDB in DATA_DIR/store, into which the dynalite
 * data of an earlier release, DATA_DIR/dynamodb, is migrated at start while the native store is
 * empty), or the DynamoDB adapter on an in-process dynalite in DATA_DIR/dynamodb
 * (EMBEDDED_STORE=dynalite: the earlier default, kept for parity checks).
 */
async function storeFromConfig(config: Config, dataDir: string, clock: Clock, log: Logger): Promise<StorePorts> {
  if (config.TABLE_NAME)
    return { ...lazyDynamoDbStores(config.TABLE_NAME, clock, log), description: `dynamodb (table ${config.TABLE_NAME})` };
  if (config.EMBEDDED_STORE === 'dynalite') {
    const path = join(dataDir, 'dynamodb');
    if (existsSync(join(dataDir, 'store'))) {
      log.warn(
        { dataDir },
        'EMBEDDED_STORE=dynalite: the native store in DATA_DIR/store is not used (its data is not visible in this mode)',
      );
    }
    // Loaded only here: dynalite and its native LevelDB binding are not part of the Lambda bundle.
    const [{ startEmbeddedDynamoDb }, { documentClient, dynamoDbStores }] = await Promise.all([
      import('../adapters/embedded/dynalite'),
      import('./dynamodb-stores'),
    ]);
    const embedded = await startEmbeddedDynamoDb({ path });
    // dynalite has no transactions: the fenced protocol.
    const stores = dynamoDbStores(documentClient(embedded.clientConfig), embedded.tableName, false, clock, log);
    return {
      ...stores,
      description: `dynamodb (embedded dynalite, ${path}; EMBEDDED_STORE=dynalite)`,
      close: async () => {
        await stores.close();
        await embedded.close();
      },
    };
  }
  // Loaded only here, like dynalite: the native store (classic-level's LevelDB binding) is not part of the Lambda bundle.
  const { openNativeStore } = await import('../adapters/embedded/store/native-store');
  const location = join(dataDir, 'store');
  const store = await openNativeStore(location, { clock, onError: (err) => log.error({ err }, 'could not remove expired sessions') });
  try {
    const legacy = join(dataDir, 'dynamodb');
    if (existsSync(legacy)) {
      const { migrateDynaliteDataDir } = await import('../adapters/embedded/dynalite-migration');
      const outcome = await migrateDynaliteDataDir(legacy, store, clock.now());
      if (outcome.kind === 'migrated' || outcome.kind === 'finished') {
        const { counts, skipped, renamedTo } = outcome.record;
        log.info(
          { from: legacy, to: location, counts, skipped, renamedTo },
          'migrated the dynalite data of an earlier release into the native store',
        );
      } else if (outcome.kind === 'ignored') log.warn({ from: legacy, to: location }, outcome.reason);
    }
  } catch (err) {
    await store.close();
    throw err;
  }
  return { ...store, description: `native (embedded LevelDB, ${location})`, close: () => store.close() };
}
