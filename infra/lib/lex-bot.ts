import { createHash } from 'node:crypto';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CfnBot, CfnBotAlias, CfnBotVersion } from 'aws-cdk-lib/aws-lex';
import { Construct } from 'constructs';
import type { BotModel } from '../../app/core/bot-model';
import { botLocaleFromModel } from './lex-bot-model';

export {
  ACCOUNT_NAME_PATTERN,
  botLocaleFromModel,
  CANCEL_INTENT,
  FALLBACK_INTENT,
  intentsFromModel,
  maxRetries,
  NLU_CONFIDENCE_THRESHOLD,
  organizationalUnitNames,
  REQUEST_ID_PATTERN,
  slotTypesFromModel,
  toLexMessage,
  toLexUtterance,
} from './lex-bot-model';

/**
 * The Amazon Lex V2 bot, built from the bot model (manifest/bot.yml) that the embedded engine runs,
 * so both engines say the same thing (test/aws/dialog-parity.test.ts shows the runtime side,
 * test/infra/lex-bot.test.ts this side). The conversion is the pure functions of lex-bot-model.ts;
 * the construct only wraps their result in CfnBot, CfnBotVersion and CfnBotAlias.
 */

/** The alias the app calls (LEX_BOT_ALIAS_ID is its id, not this name). */
export const ALIAS_NAME = 'live';

/** What the app needs to call the bot: the ids for RecognizeText and the alias ARN for IAM. */
export interface LexBotRef {
  readonly botId: string;
  readonly botAliasId: string;
  readonly localeId: string;
  readonly aliasArn: string;
  /** The region the bot lives in (LEX_REGION). */
  readonly region: string;
}

export interface LexBotProps {
  model: BotModel;
  /** The deployment's OUs, "Name" or "Name (ou-...)": the values of the OrganizationalUnits slot type. */
  organizationalUnits: readonly string[];
  /** Unique in the account and region (several stages may share one); defaults to the model's name. */
  botName?: string;
}

/** The bot (DRAFT, built on every change), a version of it, and the alias the app calls. */
export class LexBot extends Construct implements LexBotRef {
  readonly bot: CfnBot;
  readonly version: CfnBotVersion;
  readonly alias: CfnBotAlias;
  readonly role: iam.Role;
  readonly botId: string;
  readonly botAliasId: string;
  readonly localeId: string;
  readonly aliasArn: string;
  readonly region: string;

  constructor(scope: Construct, id: string, props: LexBotProps) {
    super(scope, id);
    const { model } = props;
    const locale = botLocaleFromModel(model, props.organizationalUnits);
    const botName = (props.botName ?? model.name).slice(0, 100);

    // Lex assumes this role at run time. A text-only bot without voice (Polly), sentiment analysis
    // (Comprehend), conversation logs or code hooks needs no permission at all, so it has none.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lexv2.amazonaws.com'),
      description: `Runtime role of the Lex bot ${botName} (text only: no permissions needed)`,
    });

    this.bot = new CfnBot(this, 'Bot', {
      name: botName,
      description: (model.description ?? model.name).slice(0, 200),
      roleArn: this.role.roleArn,
      // Account requests are made by employees, not children (COPPA).
      dataPrivacy: { ChildDirected: false },
      idleSessionTtlInSeconds: model.idleSessionTtlMinutes * 60,
      autoBuildBotLocales: true,
      botLocales: [locale],
    });

    // A version is immutable: a new one is made whenever the locale changes (the logical id carries
    // a hash of it), and the alias moves to it in the same deployment.
    const hash = createHash('sha256').update(JSON.stringify(locale)).digest('hex').slice(0, 10);
    this.version = new CfnBotVersion(this, `Version${hash}`, {
      botId: this.bot.attrId,
      description: `Built from the bot model (${hash})`,
      botVersionLocaleSpecification: [{ localeId: model.locale, botVersionLocaleDetails: { sourceBotVersion: 'DRAFT' } }],
    });

    this.alias = new CfnBotAlias(this, 'Alias', {
      botId: this.bot.attrId,
      botAliasName: ALIAS_NAME,
      botVersion: this.version.attrBotVersion,
      description: 'The alias the vending bot calls',
      botAliasLocaleSettings: [{ localeId: model.locale, botAliasLocaleSetting: { enabled: true } }],
    });

    this.botId = this.bot.attrId;
    this.botAliasId = this.alias.attrBotAliasId;
    this.localeId = model.locale;
    this.aliasArn = this.alias.attrArn;
    this.region = this.alias.stack.region;
  }
}
