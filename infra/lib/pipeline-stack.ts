import { CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Construct } from 'constructs';
import { loadBotModel } from '../../app/boot/bot-model-file';
import type { BotModel } from '../../app/core/bot-model';
import type { DeploymentSettings, StageName } from './config';
import { VendingStage } from './vending-stage';

/**
 * The build image of the synth step (tests) and of the load test: Debian bookworm with Node 22,
 * from the Docker official images mirrored on ECR Public (no Docker Hub rate limit). Debian,
 * because the browser test drives Debian's Chromium (`apt-get install chromium`, as `.ci/run`
 * does); CodeBuild's own images are Ubuntu (Chromium only as a snap) or Amazon Linux (none).
 */
export const BUILD_IMAGE = 'public.ecr.aws/docker/library/node:22-bookworm';

/** Installed before the synth step's commands: Debian's Chromium, for the browser test. */
export const SYNTH_INSTALL_COMMANDS = [
  'apt-get update -qq',
  'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null',
  'node --version && chromium --version',
];
/**
 * The synth step: install, the Lambda bundle, the whole test suite (type check, unit, HTTP,
 * Postman, browser, infra), then the cloud assembly. The bundle comes before the tests because
 * the infra tests synthesize the app stacks, whose Lambda code is dist/lambda.
 */
export const SYNTH_COMMANDS = ['npm ci --no-audit --no-fund', 'npm run bundle', 'npm test', 'npx cdk synth --quiet'];

export interface PipelineStackProps extends StackProps {
  deployment: DeploymentSettings;
}

/**
 * The delivery pipeline (CDK Pipelines on CodePipeline V2), in the tooling account from context:
 *
 *   Source (CodeConnections) -> Build (npm ci, bundle, npm test, cdk synth) -> UpdatePipeline -> Assets
 *   -> Dev -> Staging (+ smoke test, + load test) -> Prod (manual approval first)
 *
 * Every stage deploys to its own account and region (context `vending.stages.*`), through the
 * CDK bootstrap roles of that account, which must trust the pipeline's account (`cdk bootstrap
 * --trust`). Artifacts are encrypted with a KMS key those accounts are granted (crossAccountKeys).
 */
export class PipelineStack extends Stack {
  readonly pipeline: pipelines.CodePipeline;
  readonly stages: Record<StageName, VendingStage>;

  constructor(scope: Construct, id: string, { deployment: d, ...props }: PipelineStackProps) {
    super(scope, id, {
      description: `${d.appName}: the delivery pipeline (Dev, Staging with smoke and load tests, approval, Prod)`,
      ...props,
      env: { account: d.pipeline.account, region: d.pipeline.region },
    });

    const source = pipelines.CodePipelineSource.connection(d.repository, d.branch, { connectionArn: d.connectionArn, triggerOnPush: true });
    const nodeImage = codebuild.LinuxBuildImage.fromDockerRegistry(BUILD_IMAGE);

    this.pipeline = new pipelines.CodePipeline(this, 'Pipeline', {
      pipelineName: d.appName,
      pipelineType: codepipeline.PipelineType.V2,
      // Stages deploy into other accounts: the artifact bucket needs a KMS key they can be granted.
      crossAccountKeys: true,
      enableKeyRotation: true,
      synth: new pipelines.ShellStep('Synth', {
        input: source,
        installCommands: SYNTH_INSTALL_COMMANDS,
        commands: SYNTH_COMMANDS,
        env: { CHROMIUM_PATH: '/usr/bin/chromium', CDK_DISABLE_CLI_TELEMETRY: 'true' },
        primaryOutputDirectory: 'cdk.out',
      }),
      synthCodeBuildDefaults: {
        buildEnvironment: { buildImage: nodeImage, computeType: codebuild.ComputeType.MEDIUM },
        timeout: Duration.minutes(30),
      },
    });

    const stage = (name: StageName, key: keyof DeploymentSettings['stages']) =>
      new VendingStage(this, name, { stageName: name, deployment: d, settings: d.stages[key] });
    this.stages = { Dev: stage('Dev', 'dev'), Staging: stage('Staging', 'staging'), Prod: stage('Prod', 'prod') };

    this.pipeline.addStage(this.stages.Dev);

    const apiUrl = outputOf(this.stages.Staging.app, 'ApiUrl');
    const smoke = new pipelines.ShellStep('SmokeTest', { envFromCfnOutputs: { API_URL: apiUrl }, commands: smokeTestCommands() });
    const lt = d.loadTest;
    // Below the stage's API Gateway throttle, which answers 429 above it: the test measures the API
    // at the load it is configured to take, not the throttle.
    const rate = Math.max(1, Math.floor(d.stages.staging.throttle.rateLimit * 0.8));
    const loadTest = new pipelines.CodeBuildStep('LoadTest', {
      input: source,
      envFromCfnOutputs: { API_URL: apiUrl },
      buildEnvironment: { buildImage: nodeImage, computeType: codebuild.ComputeType.SMALL },
      timeout: Duration.minutes(20),
      commands: [
        'npm ci --no-audit --no-fund',
        `npm run load-test -- --url "$API_URL" --duration ${lt.durationSeconds} --connections ${lt.connections} --rate ${rate} --max-error-rate ${lt.maxErrorRate} --max-p99 ${lt.maxP99Ms}`,
      ],
    });
    loadTest.addStepDependency(smoke);
    this.pipeline.addStage(this.stages.Staging, { post: [smoke, loadTest] });

    this.pipeline.addStage(this.stages.Prod, {
      pre: [
        new pipelines.ManualApprovalStep('PromoteToProd', {
          comment: `Staging passed its smoke test and load test (error rate <= ${lt.maxErrorRate}, p99 <= ${lt.maxP99Ms} ms). Deploy this revision to Prod (${d.stages.prod.account}, ${d.stages.prod.region})?`,
        }),
      ],
    });

    // Built here rather than at synthesis, so that the generated resources exist for the
    // assertions and for the cdk-nag acknowledgements below.
    this.pipeline.buildPipeline();
    acknowledgePipelineFindings(this);
  }
}

/** The CfnOutput `id` of a stack (the app stack exposes `ApiUrl`), wherever it sits in the stack's tree. */
export function outputOf(stack: Stack, id: string): CfnOutput {
  const found = stack.node.findAll().find((c): c is CfnOutput => c instanceof CfnOutput && c.node.id === id);
  if (!found) throw new Error(`${stack.node.path} has no CfnOutput "${id}": the pipeline's post-deployment steps need it`);
  return found;
}

/**
 * What the bot answers to the first turn of a new conversation from "Smoke": the prompt for the
 * first slot of VendAccount in the bot model (manifest/bot.yml), as both the embedded engine and
 * the Lex bot built from the same model say it.
 */
export function expectedGreeting(model: BotModel = loadBotModel()): string {
  const prompt = model.intents.find((i) => i.name === 'VendAccount')?.slots[0]?.prompt;
  if (!prompt) throw new Error('The bot model has no VendAccount intent with a slot: the smoke test has no greeting to expect');
  // Up to the first placeholder other than the names (none today).
  return prompt
    .replace(/\{firstName\}/g, 'Smoke')
    .replace(/\{lastName\}/g, 'Test')
    .split('{')[0]
    .trim();
}

const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/**
 * The smoke test after Staging deploys: GET /healthz answers 200, and the first turn of a new
 * conversation (POST /account, the 2021 contract) is recognised (state ElicitSlot) and answered
 * with the greeting. One self-contained command each (sh), so a failure names its check.
 */
export function smokeTestCommands(greeting = expectedGreeting()): string[] {
  const turn = `{"UserEmail":"smoke-$CODEBUILD_BUILD_NUMBER-$(date +%s)@example.com","UserName":"Smoke","UserLastname":"Test","UserInput":"Hi, I would like a new account please!"}`;
  return [
    'echo "Smoke test of $API_URL"; test -n "$API_URL"',
    `code=$(curl -sS -o healthz.json -w "%{http_code}" --max-time 15 --retry 3 --retry-all-errors "\${API_URL%/}/healthz"); echo "GET /healthz -> $code"; cat healthz.json; echo; test "$code" = 200`,
    `code=$(curl -sS -o turn.json -w "%{http_code}" --max-time 30 -H "content-type: application/json" --data "${turn.replace(/"/g, '\\"')}" "\${API_URL%/}/account"); echo "POST /account -> $code"; cat turn.json; echo; ` +
      `test "$code" = 200 && grep -q '"state":"ElicitSlot"' turn.json && grep -qF -- ${shellQuote(greeting)} turn.json`,
  ];
}

/**
 * The cdk-nag (AwsSolutions) findings accepted on what CDK Pipelines generates, each with its
 * reason. A finding is accepted only on a construct the pipeline generated (never inside a stage:
 * the stages' stacks answer for their own findings) and only when its id matches one of these.
 * Anything else stays a finding.
 */
export const ACCEPTED_PIPELINE_FINDINGS: Array<{ id: RegExp; path?: RegExp; reason: string }> = [
  {
    id: /^AwsSolutions-S1$/,
    reason:
      'The pipeline artifact bucket (and its cross-region replica) holds build artifacts only: KMS-encrypted, public access blocked, SSL enforced, written only by the pipeline roles.',
  },
  {
    id: /^AwsSolutions-IAM5\[(Action::s3:(Abort|DeleteObject|GetBucket|GetObject|List)\*|Resource::(<PipelineArtifactsBucket\w+\.Arn>|arn:aws[\w-]*:s3:::[\w.-]+)\/\*)\]$/,
    reason:
      'CDK Pipelines grants read/write on the pipeline artifact bucket (or its cross-region replica) only: object-level wildcards within that one bucket.',
  },
  {
    id: /^AwsSolutions-IAM5\[Action::kms:(GenerateDataKey|ReEncrypt)\*\]$/,
    reason:
      'CDK Pipelines grants encrypt/decrypt on the artifact KMS key: the wildcard covers the GenerateDataKey*/ReEncrypt* variants of that key only.',
  },
  {
    id: /^AwsSolutions-IAM5\[Resource::arn:aws[\w-]*:(logs:[\w-]+:\d{12}:log-group:\/aws\/codebuild\/|codebuild:[\w-]+:\d{12}:report-group\/).*\]$/,
    reason: 'Each CodeBuild project writes its own log streams and test reports, whose names are only known at run time.',
  },
  {
    id: /^AwsSolutions-IAM5\[Resource::arn:\*:iam::\d{12}:role\/\*\]$/,
    path: /\/UpdatePipeline\/SelfMutation\//,
    reason:
      'Self-mutation assumes the CDK bootstrap roles of the pipeline account, restricted by the condition iam:ResourceTag/aws-cdk:bootstrap-role (deploy, file-publishing, image-publishing).',
  },
  {
    id: /^AwsSolutions-IAM5\[Resource::\*\]$/,
    path: /\/UpdatePipeline\/SelfMutation\/|\/Pipeline\/Assets\/FileRole\/|\/Pipeline\/Pipeline\/Role\//,
    reason:
      'Generated by CDK Pipelines: self-mutation reads stack state (cloudformation:DescribeStacks, s3:ListBucket); the assets role starts its CodeBuild publishing builds; ' +
      'the pipeline role uses the artifact keys of the cross-region support stacks, whose ARNs this stack cannot know.',
  },
  {
    id: /^AwsSolutions-CB5$/,
    reason: `The synth step and the load test run on ${BUILD_IMAGE} (Debian): the test suite drives Debian's Chromium, which CodeBuild's managed Ubuntu and Amazon Linux images cannot install.`,
  },
];

function acknowledgePipelineFindings(stack: PipelineStack): void {
  const stagePaths = Object.values(stack.stages).map((s) => `${s.node.path}/`);
  // The pipeline stack, and the replication stacks of the other regions it deploys to.
  const support = Object.values(stack.pipeline.pipeline.crossRegionSupport).map((s) => s.stack);
  const scopes: Construct[] = [stack, ...support.filter((s) => s !== stack)];
  const byPath = new Map(scopes.flatMap((scope) => scope.node.findAll().map((c) => [c.node.path, c] as const)));
  for (const scope of scopes) {
    for (const violation of new AwsSolutionsChecks().validateScope(scope).violations) {
      for (const { constructPath } of violation.violatingResources as Array<{ constructPath: string }>) {
        if (stagePaths.some((p) => constructPath.startsWith(p))) continue;
        const accepted = ACCEPTED_PIPELINE_FINDINGS.find((a) => a.id.test(violation.ruleName) && (!a.path || a.path.test(constructPath)));
        const construct = byPath.get(constructPath);
        if (accepted && construct) Validations.of(construct).acknowledge({ id: violation.ruleName, reason: accepted.reason });
      }
    }
  }
}
