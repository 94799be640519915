/**
 * The delivery pipeline (infra/lib/pipeline-stack.ts) and the CDK app (infra/bin/vending.ts), as
 * synthesized with the context of cdk.json (its feature flags and its placeholder deployment),
 * the deployment made multi-account and multi-region here so that every stage is told apart.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildApp } from '../../infra/bin/vending';
import { type DeploymentSettings, deploymentSettings } from '../../infra/lib/config';
import { ACCEPTED_PIPELINE_FINDINGS, BUILD_IMAGE, PipelineStack, smokeTestCommands } from '../../infra/lib/pipeline-stack';
import { bundle } from '../../scripts/bundle';
import { startApp } from '../support/app';

const root = join(__dirname, '..', '..');
const cdkJson = JSON.parse(readFileSync(join(root, 'cdk.json'), 'utf8')) as {
  app: string;
  notices?: boolean;
  context: Record<string, unknown>;
};

const PIPELINE = { account: '111111111111', region: 'eu-west-1' };
const STAGES = {
  Dev: { account: '222222222222', region: 'eu-west-1' },
  Staging: { account: '333333333333', region: 'eu-west-1' },
  Prod: { account: '444444444444', region: 'eu-central-1' },
} as const;

/** cdk.json's context, with a deployment whose stages each have their own account (Prod its own region too). */
function context(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const vending = structuredClone(cdkJson.context.vending) as Record<string, any>;
  vending.repository = 'example-org/vending-bot';
  vending.branch = 'release';
  vending.connectionArn = 'arn:aws:codeconnections:eu-west-1:111111111111:connection/4a4b4c4d-1111-2222-3333-444455556666';
  vending.pipeline = PIPELINE;
  vending.stages.dev = { ...vending.stages.dev, ...STAGES.Dev, lexRegion: 'eu-west-2' };
  vending.stages.staging = { ...vending.stages.staging, ...STAGES.Staging, throttle: { rateLimit: 30, burstLimit: 60 } };
  vending.stages.prod = { ...vending.stages.prod, ...STAGES.Prod };
  vending.loadTest = { durationSeconds: 45, connections: 7, maxErrorRate: 0.02, maxP99Ms: 2500 };
  return { ...cdkJson.context, vending, ...overrides };
}

interface Action {
  Name: string;
  ActionTypeId: { Category: string; Owner: string; Provider: string };
  RunOrder: number;
  Region?: string;
  RoleArn?: unknown;
  Namespace?: string;
  Configuration?: Record<string, any>;
  InputArtifacts?: Array<{ Name: string }>;
  OutputArtifacts?: Array<{ Name: string }>;
}
interface PipelineStage {
  Name: string;
  Actions: Action[];
}

let app: App;
let deployment: DeploymentSettings;
let stack: PipelineStack;
let template: Template;
let stages: PipelineStage[];

beforeAll(async () => {
  // The app stacks' Lambda code is the bundle (npm run bundle); a clean clone has none yet.
  if (!existsSync(join(root, 'dist', 'lambda', 'http.js'))) await bundle();
  app = new App({ context: context() });
  deployment = deploymentSettings((key) => app.node.tryGetContext(key));
  stack = new PipelineStack(app, 'VendingBot-Pipeline', { deployment });
  template = Template.fromStack(stack);
  const pipelines = Object.values(template.findResources('AWS::CodePipeline::Pipeline'));
  expect(pipelines).toHaveLength(1);
  stages = pipelines[0].Properties.Stages;
}, 60_000);

const stageNamed = (name: string): PipelineStage => {
  const found = stages.find((s) => s.Name === name);
  if (!found) throw new Error(`no pipeline stage ${name}; stages: ${stages.map((s) => s.Name).join(', ')}`);
  return found;
};
const actionNamed = (stage: string, name: string | RegExp): Action => {
  const found = stageNamed(stage).Actions.find((a) => (typeof name === 'string' ? a.Name === name : name.test(a.Name)));
  if (!found)
    throw new Error(
      `no action ${name} in ${stage}: ${stageNamed(stage)
        .Actions.map((a) => a.Name)
        .join(', ')}`,
    );
  return found;
};
/** The artifact the source action outputs (the repository at the revision being released). */
const sourceArtifact = () => {
  const out = stageNamed('Source').Actions[0].OutputArtifacts;
  expect(out).toHaveLength(1);
  return out;
};
/** The logical id of the CodeBuild project a pipeline action runs (its ProjectName is a Ref to it). */
const projectRefOf = (action: Action): string => {
  const ref = action.Configuration?.ProjectName?.Ref;
  if (typeof ref !== 'string') throw new Error(`Pipeline action ${action.Name} runs no CodeBuild project of this stack`);
  return ref;
};
/** The commands of the CodeBuild project a pipeline action runs. */
const buildSpecOf = (action: Action): { phases: Record<string, { commands: string[] }>; artifacts?: Record<string, unknown> } => {
  const project = template.toJSON().Resources[projectRefOf(action)];
  expect(project?.Type).toBe('AWS::CodeBuild::Project');
  return JSON.parse(project.Properties.Source.BuildSpec);
};
const projectOf = (action: Action) => template.toJSON().Resources[projectRefOf(action)].Properties;
const envOf = (action: Action): Array<{ name: string; value: string }> => JSON.parse(action.Configuration?.EnvironmentVariables ?? '[]');
const joined = (value: unknown): string => JSON.stringify(value);

describe('the pipeline stack', () => {
  it('lives in the pipeline account and region from context, as a CodePipeline V2', () => {
    expect(stack.account).toBe(PIPELINE.account);
    expect(stack.region).toBe(PIPELINE.region);
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
      Name: 'VendingBot',
      PipelineType: 'V2',
      RestartExecutionOnUpdate: true,
    });
  });

  it('takes its source from the repository and branch through the CodeConnections connection', () => {
    const source = stageNamed('Source');
    expect(source.Actions).toHaveLength(1);
    expect(source.Actions[0]).toMatchObject({
      ActionTypeId: { Category: 'Source', Owner: 'AWS', Provider: 'CodeStarSourceConnection' },
      Configuration: {
        ConnectionArn: 'arn:aws:codeconnections:eu-west-1:111111111111:connection/4a4b4c4d-1111-2222-3333-444455556666',
        FullRepositoryId: 'example-org/vending-bot',
        BranchName: 'release',
        DetectChanges: true,
      },
    });
    // The source action's role may use that connection, and only that one.
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.stringLikeRegexp('^(codestar-connections|codeconnections):UseConnection$'),
            Resource: 'arn:aws:codeconnections:eu-west-1:111111111111:connection/4a4b4c4d-1111-2222-3333-444455556666',
          }),
        ]),
      },
    });
  });

  it('synthesizes after the whole test suite: npm ci, bundle, npm test, cdk synth, on Debian with Chromium', () => {
    const synth = actionNamed('Build', 'Synth');
    expect(synth.InputArtifacts).toEqual(sourceArtifact());
    const spec = buildSpecOf(synth);
    const commands = spec.phases.build.commands;
    const at = (pattern: RegExp) => {
      const i = commands.findIndex((c) => pattern.test(c));
      expect(i).toBeGreaterThanOrEqual(0);
      return i;
    };
    const order = [at(/^npm ci\b/), at(/^npm run bundle$/), at(/^npm test$/), at(/^npx cdk synth\b/)];
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(spec.phases.install.commands.join('\n')).toMatch(/apt-get install .*\bchromium\b/);
    expect(spec.artifacts).toMatchObject({ 'base-directory': 'cdk.out' });
    const project = projectOf(synth);
    expect(project.Environment).toMatchObject({ Image: BUILD_IMAGE, ComputeType: 'BUILD_GENERAL1_MEDIUM', PrivilegedMode: false });
    expect(project.Environment.EnvironmentVariables).toEqual(
      expect.arrayContaining([{ Name: 'CHROMIUM_PATH', Type: 'PLAINTEXT', Value: '/usr/bin/chromium' }]),
    );
    expect(BUILD_IMAGE).toMatch(/bookworm/);
  });

  it('runs the stages in order: Dev, Staging, then Prod behind a manual approval', () => {
    const names = stages.map((s) => s.Name);
    expect(names.slice(0, 2)).toEqual(['Source', 'Build']);
    expect(names).toContain('UpdatePipeline');
    expect(names.slice(-3)).toEqual(['Dev', 'Staging', 'Prod']);

    const manual = (s: PipelineStage) => s.Actions.filter((a) => a.ActionTypeId.Provider === 'Manual');
    expect(manual(stageNamed('Dev'))).toEqual([]);
    expect(manual(stageNamed('Staging'))).toEqual([]);
    const [approval] = manual(stageNamed('Prod'));
    expect(approval).toMatchObject({ Name: 'PromoteToProd', ActionTypeId: { Category: 'Approval', Owner: 'AWS' }, RunOrder: 1 });
    expect(approval.Configuration?.CustomData).toMatch(/smoke test and load test/);
    // Nothing in Prod runs before the approval.
    for (const a of stageNamed('Prod').Actions.filter((x) => x !== approval)) expect(a.RunOrder).toBeGreaterThan(approval.RunOrder);
  });

  it("deploys every stage into its own account and region, through that account's bootstrap roles", () => {
    for (const [name, env] of Object.entries(STAGES)) {
      const deploys = stageNamed(name).Actions.filter((a) => a.ActionTypeId.Provider === 'CloudFormation');
      expect(deploys.length).toBeGreaterThanOrEqual(2); // prepare (change set) and execute, per stack
      for (const a of deploys) {
        expect(joined(a.RoleArn)).toContain(`:iam::${env.account}:role/cdk-hnb659fds-deploy-role-${env.account}-`);
        if (a.Configuration?.ActionMode === 'CHANGE_SET_REPLACE') {
          expect(joined(a.Configuration.RoleArn)).toContain(`:iam::${env.account}:role/cdk-hnb659fds-cfn-exec-role-${env.account}-`);
        }
      }
      // The stage's stacks: the app stack in the stage's account and region (a Lex stack may sit in its Lex region).
      const stage = stack.stages[name as keyof typeof STAGES];
      const stacks = stage.node.findAll().filter((c): c is Stack => Stack.isStack(c));
      expect(stacks.length).toBeGreaterThan(0);
      const settings = deployment.stages[name.toLowerCase() as 'dev' | 'staging' | 'prod'];
      for (const s of stacks) {
        expect(s.account).toBe(env.account);
        expect([settings.region, settings.lexRegion].filter(Boolean)).toContain(s.region);
      }
      expect(stage.app.stackName).toBe(`VendingBot-${name}`);
      for (const a of deploys.filter((x) => x.Configuration?.StackName === `VendingBot-${name}`)) {
        // Same region as the pipeline: no Region on the action; elsewhere, the action names it.
        expect(a.Region ?? PIPELINE.region).toBe(env.region);
      }
    }
    // Dev's Lex bot lives in its Lex region (context lexRegion), still in Dev's account, deployed before the app stack.
    const lex = stageNamed('Dev').Actions.filter(
      (a) => a.Configuration?.StackName === 'VendingBot-Dev-Lex' || a.Name.startsWith('VendingBot-Dev-Lex.'),
    );
    expect(lex.length).toBeGreaterThanOrEqual(2);
    for (const a of lex) {
      expect(a.Region).toBe('eu-west-2');
      expect(joined(a.RoleArn)).toContain(':iam::222222222222:role/cdk-hnb659fds-deploy-role-222222222222-eu-west-2');
    }
    const app = stageNamed('Dev').Actions.filter((a) => a.Name.startsWith('VendingBot-Dev.'));
    expect(Math.min(...app.map((a) => a.RunOrder))).toBeGreaterThan(Math.max(...lex.map((a) => a.RunOrder)));
  });

  it("encrypts artifacts with rotating KMS keys that the other accounts' deploy roles may use (cross-account keys)", () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['kms:Decrypt']),
            Principal: {
              AWS: Match.arrayWith([
                Match.objectLike({
                  'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':iam::222222222222:role/cdk-hnb659fds-deploy-role-')])],
                }),
              ]),
            },
          }),
        ]),
      },
    });
    const pipeline = Object.values(template.findResources('AWS::CodePipeline::Pipeline'))[0].Properties;
    const stores = pipeline.ArtifactStores as Array<{ Region: string; ArtifactStore: { EncryptionKey: { Type: string } } }>;
    // One store per region the pipeline deploys to, each with a KMS key (Prod's region, Dev's Lex region).
    expect(stores.map((s) => s.Region).sort()).toEqual(['eu-central-1', 'eu-west-1', 'eu-west-2']);
    for (const s of stores) expect(s.ArtifactStore.EncryptionKey.Type).toBe('KMS');
  });

  describe('Staging post-deployment steps', () => {
    const deployOfStaging = () => actionNamed('Staging', /^VendingBot-Staging\.Deploy$|^Deploy$/);

    it('smoke-tests the deployed API (GET /healthz is 200, POST /account answers the greeting) with its ApiUrl output', () => {
      const smoke = actionNamed('Staging', 'SmokeTest');
      expect(smoke.RunOrder).toBeGreaterThan(deployOfStaging().RunOrder);
      const namespace = deployOfStaging().Namespace;
      expect(namespace).toBeDefined();
      expect(envOf(smoke)).toEqual([{ name: 'API_URL', type: 'PLAINTEXT', value: `#{${namespace}.ApiUrl}` }]);
      const commands = buildSpecOf(smoke).phases.build.commands.join('\n');
      expect(commands).toMatch(/curl [^\n]*"\$\{API_URL%\/\}\/healthz"[^\n]*test "\$code" = 200/);
      expect(commands).toMatch(
        /curl [^\n]*--data [^\n]*Hi, I would like a new account please![^\n]*"\$\{API_URL%\/\}\/account"[^\n]*test "\$code" = 200 && grep -q '"state":"ElicitSlot"' turn\.json && grep -qF -- 'Hi Smoke, what account type do you want\? Production or Sandbox\?' turn\.json/,
      );
    });

    it('then load-tests it with the thresholds from context, failing the stage above them', () => {
      const smoke = actionNamed('Staging', 'SmokeTest');
      const load = actionNamed('Staging', 'LoadTest');
      expect(load.RunOrder).toBeGreaterThan(smoke.RunOrder);
      expect(envOf(load)).toEqual([{ name: 'API_URL', type: 'PLAINTEXT', value: `#{${deployOfStaging().Namespace}.ApiUrl}` }]);
      // The repository's own script, from the same source revision as the deployment.
      expect(load.InputArtifacts).toEqual(sourceArtifact());
      const commands = buildSpecOf(load).phases.build.commands;
      expect(commands[0]).toMatch(/^npm ci\b/);
      // 45 s, 7 connections, at most 80% of Staging's API throttle (30 req/s), error rate <= 2%, p99 <= 2500 ms.
      expect(commands).toContain(
        'npm run load-test -- --url "$API_URL" --duration 45 --connections 7 --rate 24 --max-error-rate 0.02 --max-p99 2500',
      );
      expect(projectOf(load).Environment.Image).toBe(BUILD_IMAGE);
    });
  });

  it('leaves no cdk-nag AwsSolutions finding unexplained on what the pipeline generates', () => {
    const stagePaths = Object.values(stack.stages).map((s) => `${s.node.path}/`);
    const supportStacks = Object.values(stack.pipeline.pipeline.crossRegionSupport)
      .map((s) => s.stack)
      .filter((s) => s !== stack);
    expect(supportStacks.map((s) => s.region).sort()).toEqual(['eu-central-1', 'eu-west-2']);
    const findings = [stack, ...supportStacks].flatMap((scope) =>
      new AwsSolutionsChecks()
        .validateScope(scope)
        .violations.flatMap((v) =>
          (v.violatingResources as Array<{ constructPath: string }>)
            .filter((r) => !stagePaths.some((p) => r.constructPath.startsWith(p)))
            .map((r) => `${v.ruleName} at ${r.constructPath}`),
        ),
    );
    expect(findings).toEqual([]);
    for (const accepted of ACCEPTED_PIPELINE_FINDINGS) expect(accepted.reason.length).toBeGreaterThan(40);
  });
});

describe('the smoke test commands, run as CodeBuild runs them (sh, one command after the other)', () => {
  /** Runs the commands in order in `sh` until one fails; resolves with the index of the failed one (-1: all passed) and the output. */
  async function smoke(apiUrl: string, commands = smokeTestCommands()): Promise<{ failed: number; output: string }> {
    const cwd = mkdtempSync(join(tmpdir(), 'vending-smoke-'));
    let output = '';
    try {
      for (const [i, command] of commands.entries()) {
        const code = await new Promise<number>((resolve) => {
          execFile(
            'sh',
            ['-c', command],
            { cwd, timeout: 60_000, env: { PATH: process.env.PATH, API_URL: apiUrl, CODEBUILD_BUILD_NUMBER: '42' } },
            (err, stdout, stderr) => {
              output += stdout + stderr;
              resolve(err ? Number((err as { code?: number }).code ?? 1) : 0);
            },
          );
        });
        if (code !== 0) return { failed: i, output };
      }
      return { failed: -1, output };
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  }

  it('pass against the running app (with or without a trailing slash on the URL), and fail on a wrong one', async () => {
    const running = await startApp();
    try {
      const ok = await smoke(`${running.baseUrl}/`);
      expect(ok).toMatchObject({ failed: -1 });
      expect(ok.output).toContain('GET /healthz -> 200');
      expect(ok.output).toContain('POST /account -> 200');
      expect(ok.output).toMatch(/"response":"Hi Smoke, what account type do you want\?/);
      expect(await smoke(running.baseUrl)).toMatchObject({ failed: -1 });
      // A URL that is not the API: /healthz is a 404, the smoke test stops there.
      const wrong = await smoke(`${running.baseUrl}/not-the-api`);
      expect(wrong.failed).toBe(1);
      expect(wrong.output).toContain('GET /healthz -> 404');
      // No URL at all (the output was not found): the first check fails.
      expect((await smoke('')).failed).toBe(0);
      // Another greeting than the bot model's (quotes and all, safely quoted for sh): the turn check fails.
      expect(await smoke(running.baseUrl, smokeTestCommands("Hi Smoke, it's 'another' bot"))).toMatchObject({ failed: 2 });
      expect(smokeTestCommands("it's")[2]).toContain(`grep -qF -- 'it'\\''s' turn.json`);
    } finally {
      await running.stop();
    }
  }, 90_000);
});

describe('the CDK app (infra/bin/vending.ts) and cdk.json', () => {
  it('runs the app with tsx, offline: no notices, no CLI telemetry, a placeholder deployment that validates', () => {
    expect(cdkJson.app).toBe('npx tsx infra/bin/vending.ts');
    expect(cdkJson.notices).toBe(false);
    expect(cdkJson.context['cli-telemetry']).toBe(false);
    const placeholder = deploymentSettings((key) => cdkJson.context[key]);
    expect(placeholder.accountFactoryPortfolioId).toBe('port-xxxxxxxx');
    expect([
      placeholder.pipeline.account,
      placeholder.stages.dev.account,
      placeholder.stages.staging.account,
      placeholder.stages.prod.account,
    ]).toEqual(['111111111111', '222222222222', '333333333333', '444444444444']);
    // Pipelines: the flags cdk init sets for them.
    expect(cdkJson.context['@aws-cdk/aws-codepipeline:crossAccountKeysDefaultValueToFalse']).toBe(true);
    expect(cdkJson.context['@aws-cdk/aws-codepipeline:defaultPipelineTypeToV2']).toBe(true);
  });

  it('synthesizes as `npm run synth` does, from cdk.json alone, with every cdk-nag finding acknowledged', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'vending-cdk-out-'));
    try {
      const assembly = buildApp(new App({ context: cdkJson.context, outdir })).synth();
      const pipeline = assembly.getStackByName('VendingBot-Pipeline');
      expect(pipeline.environment).toMatchObject({ account: '111111111111', region: 'eu-west-1' });
      // The stages are nested assemblies of the pipeline stack's, one per stage, each with its app stack.
      const nested = assembly.nestedAssemblies.flatMap((a) =>
        a.nestedAssembly.stacks.map((st) => `${st.stackName} ${st.environment.account}`),
      );
      expect(nested).toEqual(
        expect.arrayContaining(['VendingBot-Dev 222222222222', 'VendingBot-Staging 333333333333', 'VendingBot-Prod 444444444444']),
      );
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }, 60_000);

  it('builds the pipeline stack by default', () => {
    const built = buildApp(new App({ context: context() }));
    const stacks = built.node.children.filter((c): c is Stack => Stack.isStack(c));
    expect(stacks.map((s) => s.node.id)).toContain('VendingBot-Pipeline');
    expect(stacks.find((s) => s.node.id === 'VendingBot-Pipeline')).toBeInstanceOf(PipelineStack);
  });

  it.each([
    ['Dev', STAGES.Dev],
    ['staging', STAGES.Staging],
    ['PROD', STAGES.Prod],
  ])('deploys one stage without the pipeline with -c stage=%s', (stage, env) => {
    const built = buildApp(new App({ context: context({ stage }) }));
    expect(built.node.findAll().some((c) => c instanceof PipelineStack)).toBe(false);
    const stacks = built.node.findAll().filter((c): c is Stack => Stack.isStack(c));
    const appStack = stacks.find((s) => /^VendingBot-(Dev|Staging|Prod)$/.test(s.stackName));
    expect(appStack).toBeDefined();
    expect(appStack?.account).toBe(env.account);
    expect(appStack?.region).toBe(env.region);
    expect(appStack?.stackName).toBe(`VendingBot-${stage[0].toUpperCase()}${stage.slice(1).toLowerCase()}`);
  });

  it('says what is wrong with a bad stage or a bad deployment', () => {
    expect(() => buildApp(new App({ context: context({ stage: 'qa' }) }))).toThrow(
      'Invalid CDK context stage: "qa"; use -c stage=Dev, Staging or Prod',
    );
    const bad = context();
    (bad.vending as Record<string, unknown>).connectionArn = 'arn:aws:codecommit:eu-west-1:111111111111:repo';
    expect(() => buildApp(new App({ context: bad }))).toThrow(/vending\.connectionArn: must be a CodeConnections connection ARN/);
  });
});
