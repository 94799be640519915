import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { BotModel } from '../../app/core/bot-model';
import { LexBot } from './lex-bot';

export interface LexStackProps extends StackProps {
  model: BotModel;
  organizationalUnits: readonly string[];
  botName: string;
}

/**
 * The Lex bot on its own, for a stage whose Lex region differs from its Control Tower region (not
 * every region has Lex V2). The application stack reads its ids across regions
 * (crossRegionReferences: SSM parameters written by CDK in the app's region).
 */
export class LexStack extends Stack {
  readonly bot: LexBot;

  constructor(scope: Construct, id: string, props: LexStackProps) {
    const { model, organizationalUnits, botName, ...stackProps } = props;
    super(scope, id, stackProps);
    this.bot = new LexBot(this, 'Lex', { model, organizationalUnits, botName });
  }
}
