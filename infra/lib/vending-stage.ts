import { Stage, type StageProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { loadBotModel } from '../../app/boot/bot-model-file';
import { AppStack } from './app-stack';
import type { DeploymentSettings, StageName, StageSettings } from './config';
import { LexStack } from './lex-stack';

export interface VendingStageProps extends StageProps {
  stageName: StageName;
  deployment: DeploymentSettings;
  settings: StageSettings;
}

/**
 * One environment (Dev, Staging or Prod): the application stack in its account and region, and,
 * when the stage's Lex region is another one, the Lex bot in a stack of its own there. The
 * AwsSolutions checks are registered once, on the app (infra/bin/vending.ts: applyNagChecks); the
 * application stack acknowledges its accepted findings itself (nag.ts).
 */
export class VendingStage extends Stage {
  readonly app: AppStack;
  /** Set when lexRegion differs from region. */
  readonly lex?: LexStack;

  constructor(scope: Construct, id: string, props: VendingStageProps) {
    super(scope, id, { ...props, env: { account: props.settings.account, region: props.settings.region } });
    const { deployment, settings, stageName } = props;
    const stackName = `${deployment.appName}-${stageName}`;
    const lexRegion = settings.lexRegion ?? settings.region;
    const crossRegion = lexRegion !== settings.region;
    if (crossRegion) {
      this.lex = new LexStack(this, 'Lex', {
        stackName: `${stackName}-Lex`,
        description: `Account vending bot (${stageName}): the Lex V2 bot`,
        env: { account: settings.account, region: lexRegion },
        crossRegionReferences: true,
        model: loadBotModel(),
        organizationalUnits: deployment.organizationalUnits,
        botName: `${stackName}-Bot`,
      });
    }
    this.app = new AppStack(this, 'App', {
      stackName,
      stageName,
      deployment,
      settings,
      env: { account: settings.account, region: settings.region },
      ...(this.lex ? { lexBot: this.lex.bot, crossRegionReferences: true } : {}),
    });
  }
}
