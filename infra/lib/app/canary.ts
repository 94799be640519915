import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/**
 * The HTTP function ships through CodeDeploy: 10% of traffic on the new version for 5 minutes,
 * then all of it, rolled back automatically when any of three alarms goes off during the shift:
 * the alias' function errors, API Gateway 5xx answers, and error-level log lines (pino's JSON
 * `"level":"error"` / `"fatal"`). Each fires on a single occurrence in a minute: a canary is there
 * to catch any error, and traffic during the 5 minutes may be light.
 */

/** pino writes `"level":"error"` / `"level":"fatal"` (app/boot/logger.ts formats the level as its label). */
export const ERROR_LOG_PATTERN = '{ $.level = "error" || $.level = "fatal" }';

export interface CanaryDeploymentProps {
  alias: lambda.Alias;
  api: apigw.RestApi;
  /** The API's stage name (a literal). */
  stageName: string;
  /** The HTTP function's log group. */
  logGroup: logs.ILogGroup;
  /** CloudWatch namespace of the app's own metrics (log metric filters). */
  namespace: string;
}

export class CanaryDeployment extends Construct {
  readonly functionErrors: cloudwatch.Alarm;
  readonly api5xx: cloudwatch.Alarm;
  readonly errorLogs: cloudwatch.Alarm;
  readonly errorLogLines: cloudwatch.Metric;
  readonly deploymentGroup: codedeploy.LambdaDeploymentGroup;

  constructor(scope: Construct, id: string, props: CanaryDeploymentProps) {
    super(scope, id);
    const perMinute = { period: Duration.minutes(1), statistic: cloudwatch.Stats.SUM };
    const alarm = (alarmId: string, metric: cloudwatch.IMetric, description: string) =>
      new cloudwatch.Alarm(this, alarmId, {
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: `${description} Rolls back a deployment of the HTTP function in progress.`,
      });

    this.functionErrors = alarm(
      'FunctionErrors',
      props.alias.metricErrors(perMinute),
      'The HTTP function (live alias) failed an invocation.',
    );
    // Dimensions by name, not by reference to the stage: the alias' update policy names this
    // deployment group, so a reference to the stage (which depends on the alias through the
    // deployment and its methods) would close a dependency cycle.
    const api5xx = new cloudwatch.Metric({
      namespace: 'AWS/ApiGateway',
      metricName: '5XXError',
      dimensionsMap: { ApiName: props.api.restApiName, Stage: props.stageName },
      ...perMinute,
    });
    this.api5xx = alarm('Api5xx', api5xx, 'The API answered 5xx.');

    const filter = new logs.MetricFilter(this, 'ErrorLogFilter', {
      logGroup: props.logGroup,
      filterPattern: logs.FilterPattern.literal(ERROR_LOG_PATTERN),
      metricNamespace: props.namespace,
      metricName: 'HttpErrorLogLines',
      metricValue: '1',
    });
    this.errorLogLines = filter.metric(perMinute);
    this.errorLogs = alarm('ErrorLogs', this.errorLogLines, 'The HTTP function logged an error or fatal line.');

    this.deploymentGroup = new codedeploy.LambdaDeploymentGroup(this, 'DeploymentGroup', {
      alias: props.alias,
      deploymentConfig: codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
      alarms: [this.functionErrors, this.api5xx, this.errorLogs],
      autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
    });
  }
}
