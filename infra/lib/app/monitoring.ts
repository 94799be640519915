import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type CanaryDeployment, ERROR_LOG_PATTERN } from './canary';
import type { FunctionName } from './functions';

/**
 * Operations: alarms beyond the canary's (background functions, failed events, a stuck stream) and
 * a small dashboard: requests by state, errors, latency.
 *
 * Requests by state are counted from the app's JSON log lines: "request created" (→ PENDING_APPROVAL)
 * and "request transition" (one per lifecycle transition, with its target state in `to`), in the
 * logs of every function that makes them.
 */

interface RequestMetric {
  metricName: string;
  label: string;
  filterPattern: string;
  /** Functions whose logs carry the line. */
  loggedBy: FunctionName[];
  dimensions?: Record<string, string>;
  /** The dimension values to chart (label per value). */
  series?: Array<{ dimensions: Record<string, string>; label: string }>;
}

const STATES = ['APPROVED', 'PROVISIONING', 'SUCCEEDED', 'FAILED', 'DENIED', 'CANCELLED', 'EXPIRED'] as const;
const ALL: FunctionName[] = ['http', 'controlTowerEvent', 'reconcile', 'stream'];

export const REQUEST_METRICS: RequestMetric[] = [
  {
    metricName: 'RequestsCreated',
    label: 'Created (pending approval)',
    filterPattern: '{ $.msg = "request created" }',
    loggedBy: ['http'],
  },
  {
    metricName: 'RequestTransitions',
    label: 'Transitions',
    filterPattern: '{ $.msg = "request transition" }',
    loggedBy: ALL,
    dimensions: { To: '$.to' },
    series: STATES.map((state) => ({ dimensions: { To: state }, label: state })),
  },
];

export interface MonitoringProps {
  dashboardName: string;
  namespace: string;
  functions: Record<FunctionName, lambda.Function>;
  logGroups: Record<FunctionName, logs.ILogGroup>;
  api: apigw.RestApi;
  canary: CanaryDeployment;
  failedEvents: sqs.IQueue;
}

export class Monitoring extends Construct {
  readonly backgroundErrors: cloudwatch.Alarm;
  readonly backgroundErrorLogs: cloudwatch.Alarm;
  readonly failedEvents: cloudwatch.Alarm;
  readonly streamIteratorAge: cloudwatch.Alarm;
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { functions, namespace } = props;
    const fiveMinutes = { period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM };
    const background: FunctionName[] = ['controlTowerEvent', 'reconcile', 'stream'];
    const alarm = (alarmId: string, metric: cloudwatch.IMetric, threshold: number, alarmDescription: string) =>
      new cloudwatch.Alarm(this, alarmId, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription,
      });

    // Requests by state, from the app's log lines.
    const requestSeries: cloudwatch.IMetric[] = [];
    for (const m of REQUEST_METRICS) {
      for (const name of m.loggedBy) {
        new logs.MetricFilter(this, `${m.metricName}${name}`, {
          logGroup: props.logGroups[name],
          filterPattern: logs.FilterPattern.literal(m.filterPattern),
          metricNamespace: namespace,
          metricName: m.metricName,
          metricValue: '1',
          ...(m.dimensions ? { dimensions: m.dimensions } : {}),
        });
      }
      for (const s of m.series ?? [{ dimensions: {}, label: m.label }]) {
        requestSeries.push(
          new cloudwatch.Metric({ namespace, metricName: m.metricName, dimensionsMap: s.dimensions, label: s.label, ...fiveMinutes }),
        );
      }
    }

    // Errors of the functions that run without a person waiting.
    const errors = Object.fromEntries(background.map((name, i) => [`e${i}`, functions[name].metricErrors(fiveMinutes)]));
    this.backgroundErrors = alarm(
      'BackgroundErrors',
      new cloudwatch.MathExpression({
        expression: Object.keys(errors).join('+'),
        usingMetrics: errors,
        label: 'Background function errors',
        period: Duration.minutes(5),
      }),
      1,
      'The Control Tower event, reconcile or stream function failed an invocation (effects are retried; look at the logs).',
    );
    const backgroundLogLines = new cloudwatch.Metric({ namespace, metricName: 'BackgroundErrorLogLines', ...fiveMinutes });
    for (const name of background) {
      new logs.MetricFilter(this, `ErrorLogs${name}`, {
        logGroup: props.logGroups[name],
        filterPattern: logs.FilterPattern.literal(ERROR_LOG_PATTERN),
        metricNamespace: namespace,
        metricName: 'BackgroundErrorLogLines',
        metricValue: '1',
      });
    }
    this.backgroundErrorLogs = alarm('BackgroundErrorLogs', backgroundLogLines, 1, 'A background function logged an error or fatal line.');
    this.failedEvents = alarm(
      'FailedEvents',
      props.failedEvents.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM }),
      1,
      'Stream records or Control Tower events failed after their retries and wait in the failed-events queue.',
    );
    const iteratorAge = functions.stream.metric('IteratorAge', { period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM });
    this.streamIteratorAge = alarm(
      'StreamIteratorAge',
      iteratorAge,
      Duration.minutes(15).toMilliseconds(),
      'Side effects (the table stream) are more than 15 minutes behind.',
    );

    const stage = props.api.deploymentStage;
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.days(1),
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'Requests by state (transitions per 5 minutes)',
            left: requestSeries,
            width: 12,
            stacked: false,
          }),
          new cloudwatch.AlarmStatusWidget({
            title: 'Alarms',
            width: 12,
            alarms: [
              props.canary.functionErrors,
              props.canary.api5xx,
              props.canary.errorLogs,
              this.backgroundErrors,
              this.backgroundErrorLogs,
              this.failedEvents,
              this.streamIteratorAge,
            ],
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Errors',
            width: 12,
            left: [
              ...Object.entries(functions).map(([name, fn]) => fn.metricErrors({ ...fiveMinutes, label: `${name} errors` })),
              props.canary.errorLogLines.with({ period: Duration.minutes(5), label: 'HTTP error log lines' }),
              backgroundLogLines.with({ label: 'Background error log lines' }),
            ],
            right: [
              stage.metricServerError({ ...fiveMinutes, label: 'API 5xx' }),
              stage.metricClientError({ ...fiveMinutes, label: 'API 4xx' }),
            ],
          }),
          new cloudwatch.GraphWidget({
            title: 'Latency',
            width: 12,
            left: [
              stage.metricLatency({ statistic: 'p50', period: Duration.minutes(5), label: 'API p50' }),
              stage.metricLatency({ statistic: 'p99', period: Duration.minutes(5), label: 'API p99' }),
              functions.http.metricDuration({ statistic: 'p99', period: Duration.minutes(5), label: 'HTTP function p99' }),
            ],
            right: [iteratorAge.with({ label: 'Stream iterator age (max)' })],
          }),
        ],
      ],
    });
  }
}
