#!/usr/bin/env node
/**
 * The CDK app (cdk.json runs it with tsx). Everything comes from the CDK context key `vending`
 * (cdk.json, or `-c vending='{...}'`), checked by infra/lib/config.ts.
 *
 *   npx cdk synth                      the pipeline stack (the default): it deploys Dev, Staging, Prod
 *   npx cdk deploy <appName>-Pipeline  once, into the pipeline account; later changes deploy themselves
 *   npx cdk deploy -c stage=Dev 'Dev/*'
 *                                      one stage straight from this machine, without the pipeline (a
 *                                      first try): Dev, Staging or Prod, into that stage's account/region
 *
 * No context lookups (every stack has an explicit account and region): synth needs no credentials.
 */
import { App } from 'aws-cdk-lib';
import { deploymentSettings, type StageName } from '../lib/config';
import { applyNagChecks } from '../lib/nag';
import { PipelineStack } from '../lib/pipeline-stack';
import { VendingStage } from '../lib/vending-stage';

const STAGES: Record<string, { name: StageName; key: 'dev' | 'staging' | 'prod' }> = {
  dev: { name: 'Dev', key: 'dev' },
  staging: { name: 'Staging', key: 'staging' },
  prod: { name: 'Prod', key: 'prod' },
};

export function buildApp(app: App = new App()): App {
  const deployment = deploymentSettings((key) => app.node.tryGetContext(key));
  const only: unknown = app.node.tryGetContext('stage');
  if (only !== undefined && only !== '') {
    const stage = STAGES[String(only).toLowerCase()];
    if (!stage)
      throw new Error(`Invalid CDK context stage: "${String(only)}"; use -c stage=Dev, Staging or Prod (or leave it out for the pipeline)`);
    new VendingStage(app, stage.name, { stageName: stage.name, deployment, settings: deployment.stages[stage.key] });
  } else {
    new PipelineStack(app, `${deployment.appName}-Pipeline`, { deployment });
  }
  // cdk-nag (AwsSolutions) once, at the root: CDK hands every validation plugin the whole construct
  // tree (appConstruct = the App), so this one registration checks the pipeline stack, its
  // cross-region support stacks and every stage's stacks. Synth fails on an unacknowledged finding.
  applyNagChecks(app);
  return app;
}

if (require.main === module) buildApp();
