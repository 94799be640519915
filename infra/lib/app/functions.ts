import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/**
 * The four Lambda functions of the bundle (npm run bundle → dist/lambda), one role per kind of
 * work: the HTTP door, the Control Tower event, and the provisioner (stream + schedule), which is
 * "the bot's role" associated with the Account Factory portfolio. Permissions on the app's
 * resources are added by the stack (permissions.ts); here only each function's own log group.
 */

/** Handler of each function in dist/lambda (scripts/bundle.ts HANDLERS). */
export const HANDLERS = {
  http: 'http.handler',
  controlTowerEvent: 'control-tower-event.handler',
  reconcile: 'reconcile.handler',
  stream: 'stream.handler',
} as const;

export type FunctionName = keyof typeof HANDLERS;

export interface AppFunctionsProps {
  /** dist/lambda, the bundle. */
  code: lambda.Code;
  /** The same settings for every function (the HTTP one builds the app with its doors, the others the core and the Slack effects: app/doors/lambda/handlers.ts). */
  environment: Record<string, string>;
  logRetention: logs.RetentionDays;
  retainLogs: boolean;
}

/** Memory and timeout per function. */
const SIZING: Record<FunctionName, { memorySize: number; timeout: Duration; description: string }> = {
  // Express + Bolt + the SDK clients: more memory is also more CPU for the cold start. API Gateway gives up at 29 s.
  http: { memorySize: 1024, timeout: Duration.seconds(29), description: 'REST API, approval links and Slack events (API Gateway)' },
  controlTowerEvent: { memorySize: 512, timeout: Duration.seconds(30), description: 'Control Tower lifecycle events complete requests' },
  // One tick: effect retries, expiry, reminders, the reconciler and the queue; the schedule is every 5 minutes.
  reconcile: {
    memorySize: 512,
    timeout: Duration.minutes(2),
    description: 'Scheduled reconciler: DescribeRecord, queue, expiry, reminders',
  },
  stream: { memorySize: 512, timeout: Duration.minutes(1), description: 'Side effects of committed transitions (table stream)' },
};

export class AppFunctions extends Construct {
  readonly http: lambda.Function;
  readonly controlTowerEvent: lambda.Function;
  readonly reconcile: lambda.Function;
  readonly stream: lambda.Function;
  /** The HTTP door. */
  readonly httpRole: iam.Role;
  /** Control Tower lifecycle events. */
  readonly eventRole: iam.Role;
  /** Stream and schedule: the only ones that call Service Catalog; associated with the Account Factory portfolio. */
  readonly provisionerRole: iam.Role;
  readonly logGroups: Record<FunctionName, logs.LogGroup>;

  constructor(scope: Construct, id: string, props: AppFunctionsProps) {
    super(scope, id);
    const role = (roleId: string, description: string) =>
      new iam.Role(this, roleId, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description });
    this.httpRole = role('HttpRole', 'Vending bot HTTP door: table, Lex bot alias, secret');
    this.eventRole = role('EventRole', 'Vending bot Control Tower events: table, secret');
    this.provisionerRole = role('ProvisionerRole', 'Vending bot provisioner (stream, schedule): table, topic, Account Factory, secret');

    const roles: Record<FunctionName, iam.Role> = {
      http: this.httpRole,
      controlTowerEvent: this.eventRole,
      reconcile: this.provisionerRole,
      stream: this.provisionerRole,
    };
    const logGroups = {} as Record<FunctionName, logs.LogGroup>;
    const make = (name: FunctionName, fnId: string) => {
      const logGroup = new logs.LogGroup(this, `${fnId}Logs`, {
        retention: props.logRetention,
        removalPolicy: props.retainLogs ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      });
      // Instead of AWSLambdaBasicExecutionRole: write to this log group only.
      logGroup.grantWrite(roles[name]);
      logGroups[name] = logGroup;
      const fn = new lambda.Function(this, fnId, {
        runtime: lambda.Runtime.NODEJS_22_X,
        architecture: lambda.Architecture.ARM_64,
        code: props.code,
        handler: HANDLERS[name],
        role: roles[name],
        logGroup,
        environment: {
          ...props.environment,
          // Stack traces through the bundle's source maps.
          NODE_OPTIONS: '--enable-source-maps',
        },
        ...SIZING[name],
      });
      return fn;
    };
    this.http = make('http', 'Http');
    this.controlTowerEvent = make('controlTowerEvent', 'ControlTowerEvent');
    this.reconcile = make('reconcile', 'Reconcile');
    this.stream = make('stream', 'Stream');
    this.logGroups = logGroups;
  }

  get all(): Record<FunctionName, lambda.Function> {
    return { http: this.http, controlTowerEvent: this.controlTowerEvent, reconcile: this.reconcile, stream: this.stream };
  }

  /** The same setting on every function. */
  addEnvironment(key: string, value: string): void {
    for (const fn of Object.values(this.all)) fn.addEnvironment(key, value);
  }
}
