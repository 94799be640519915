import { join, resolve } from 'node:path';
import { documentClient } from '../adapters/dynamodb/client';
import { DynamoDbEffectStore } from '../adapters/dynamodb/effects';
import { DynamoDbIdempotencyStore } from '../adapters/dynamodb/idempotency';
import { DynamoDbSessionStore } from '../adapters/dynamodb/sessions';
import { DynamoDbSlotStore } from '../adapters/dynamodb/slots';
import { DynamoDbRequestStore } from '../adapters/dynamodb/store';
import { dynamoDbStreamFeed } from '../adapters/dynamodb/stream-feed';
import { EmbeddedDialog } from '../adapters/embedded/dialog/embedded-dialog';
import { Outbox } from '../adapters/embedded/outbox';
import { SandboxAccountFactory } from '../adapters/embedded/sandbox-factory';
import { LexDialog } from '../adapters/lex/lex-dialog';
import { OrganizationsDirectory } from '../adapters/organizations/directory';
import { ServiceCatalogAccountFactory } from '../adapters/service-catalog/account-factory';
import { SnsNotifier } from '../adapters/sns/sns-notifier';
import type { BotModel } from '../core/bot-model';
import type { AccountFactory } from '../core/ports/account-factory';
import type { Clock } from '../core/ports/clock';
import type { Dialog } from '../core/ports/dialog';
import type { Logger } from '../core/ports/logger';
import type { Notifier } from '../core/ports/notifier';
import type { AccountDirectory } from '../core/ports/organization';
import type { CorePorts } from '../core/vending-core';
import type { Config } from './config';

/**
 * Chooses each port's implementation from the configuration: the AWS adapter when its setting is
 * there (TABLE_NAME, LEX_BOT_ID, SNS_TOPIC_ARN, ACCOUNT_FACTORY_PRODUCT_ID/NAME), the embedded
 * default otherwise. Any mix works. AWS clients follow the SDK's standard settings (AWS_REGION,
 * credentials chain, AWS_ENDPOINT_URL_<SERVICE>).
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
}

export async function portsFromConfig(
  config: Config,
  deps: { clock: Clock; log: Logger; model: BotModel; overrides?: PortOverrides },
): Promise<Ports> {
  const { clock, log, model } = deps;
  const dataDir = resolve(config.DATA_DIR);
  const closers: Array<() => Promise<void> | void> = [];

  let tableName = config.TABLE_NAME;
  let db = documentClient();
  let storeWords = `dynamodb (table ${tableName})`;
  // DynamoDB and moto have transactions; the embedded dynalite has not, and gets the fenced protocol.
  let transactions: boolean | 'auto' = 'auto';
  if (!tableName) {
    // Loaded only here: dynalite and its native LevelDB binding are not part of the Lambda bundle.
    const { startEmbeddedDynamoDb } = await import('../adapters/embedded/dynalite');
    const embedded = await startEmbeddedDynamoDb({ path: join(dataDir, 'dynamodb') });
    closers.push(() => embedded.close());
    tableName = embedded.tableName;
    db = documentClient(embedded.clientConfig);
    storeWords = `dynamodb (embedded dynalite, ${join(dataDir, 'dynamodb')})`;
    transactions = false;
  }
  closers.unshift(() => db.destroy());
  const requests = new DynamoDbRequestStore(db, tableName, {
    transactions,
    onFallback: (reason) => log.warn({ table: tableName }, reason),
  });
  const effects = new DynamoDbEffectStore(db, tableName);
  const slots = new DynamoDbSlotStore(db, tableName);
  const sessions = new DynamoDbSessionStore(db, tableName);
  const idempotency = new DynamoDbIdempotencyStore(db, tableName, clock);

  let notifier: Notifier;
  if (deps.overrides?.notifier) notifier = deps.overrides.notifier;
  else if (config.SNS_TOPIC_ARN) notifier = new SnsNotifier({ topicArn: config.SNS_TOPIC_ARN, log });
  else notifier = new Outbox(join(dataDir, 'outbox.jsonl'), log);

  let sandboxFactory: SandboxAccountFactory | undefined;
  let directory: AccountDirectory | undefined;
  let factory: AccountFactory;
  if (deps.overrides?.factory) factory = deps.overrides.factory;
  else if (config.ACCOUNT_FACTORY_PRODUCT_ID || config.ACCOUNT_FACTORY_PRODUCT_NAME) {
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

  const dialog: Dialog =
    deps.overrides?.dialog ??
    (config.LEX_BOT_ID && config.LEX_BOT_ALIAS_ID
      ? new LexDialog({
          region: config.LEX_REGION,
          botId: config.LEX_BOT_ID,
          botAliasId: config.LEX_BOT_ALIAS_ID,
          localeId: config.LEX_LOCALE_ID,
          organizationalUnits: config.organizationalUnits,
          log,
        })
      : new EmbeddedDialog({ model, sessions, clock, organizationalUnits: config.organizationalUnits }));

  return {
    requests,
    effects,
    slots,
    idempotency,
    notifier,
    factory,
    sandboxFactory,
    directory,
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
    },
    async close() {
      for (const close of closers) await close();
    },
  };
}
