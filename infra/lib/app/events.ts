import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { LIFECYCLE_EVENT_PATTERN } from '../../../app/adapters/control-tower/lifecycle-events';

/**
 * Provisioning completes through Control Tower's lifecycle events (on the default bus of the
 * management account, in Control Tower's home region), with the reconciler on a schedule as the
 * safety net. Both rules use the app's own pattern and retry, then park what still fails in the
 * failed-events queue.
 */

/** The reconciler's schedule (the app's RECONCILE_INTERVAL_SECONDS is for the local process only). */
export const RECONCILE_SCHEDULE = events.Schedule.rate(Duration.minutes(5));

/** LIFECYCLE_EVENT_PATTERN in EventBridge's construct form (the test checks the template equals the app's pattern). */
export function lifecycleEventPattern(): events.EventPattern {
  const { source, 'detail-type': detailType, detail } = LIFECYCLE_EVENT_PATTERN;
  return { source, detailType, detail };
}

export interface AppEventsProps {
  controlTowerEvent: lambda.IFunction;
  reconcile: lambda.IFunction;
  deadLetterQueue: sqs.IQueue;
}

export class AppEvents extends Construct {
  readonly lifecycleRule: events.Rule;
  readonly scheduleRule: events.Rule;

  constructor(scope: Construct, id: string, props: AppEventsProps) {
    super(scope, id);
    this.lifecycleRule = new events.Rule(this, 'ControlTowerLifecycle', {
      description: 'Control Tower CreateManagedAccount / UpdateManagedAccount: completes provisioning requests',
      eventPattern: lifecycleEventPattern(),
      targets: [
        new targets.LambdaFunction(props.controlTowerEvent, {
          retryAttempts: 8,
          maxEventAge: Duration.hours(6),
          deadLetterQueue: props.deadLetterQueue,
        }),
      ],
    });
    this.scheduleRule = new events.Rule(this, 'ReconcileSchedule', {
      description: 'Reconciler: effect retries, expiry, reminders, DescribeRecord, the provisioning queue',
      schedule: RECONCILE_SCHEDULE,
      // A missed tick is made up by the next one: no retries, and nothing worth keeping.
      targets: [new targets.LambdaFunction(props.reconcile, { retryAttempts: 0, maxEventAge: Duration.minutes(5) })],
    });
  }
}
