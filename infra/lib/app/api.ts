import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { StageSettings } from '../config';

/**
 * The REST API in front of the HTTP function's live alias: one Express app serves every route
 * (POST /account, /account/confirm/{token}, /requests..., /slack/events, /healthz, the web page),
 * so the API is a proxy: ANY on / and on /{proxy+}. Authentication is the app's own (Slack
 * signatures, signed approval links, the optional API key), see nag.ts.
 */

/** The stage name, the first path segment of every URL. */
export const API_STAGE = 'api';

export interface VendingApiProps {
  restApiName: string;
  /** The HTTP function's alias that CodeDeploy shifts. */
  handler: lambda.IFunction;
  throttle: StageSettings['throttle'];
  logRetention: logs.RetentionDays;
  retainLogs: boolean;
}

export class VendingApi extends Construct {
  readonly api: apigw.RestApi;
  readonly accessLogs: logs.LogGroup;
  /**
   * https://<id>.execute-api.<region>.<suffix>/api, built from the API's id and the stage's name,
   * not from the stage resource: the HTTP function's PUBLIC_URL needs it, and the stage (through
   * the deployment and the methods) depends on that function's alias.
   */
  readonly url: string;

  constructor(scope: Construct, id: string, props: VendingApiProps) {
    super(scope, id);
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: props.retainLogs ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.api = new apigw.RestApi(this, 'Api', {
      restApiName: props.restApiName,
      description: 'Account vending bot: REST door, approval links, Slack events',
      endpointTypes: [apigw.EndpointType.REGIONAL],
      // Access and execution logs need the account's API Gateway CloudWatch role; kept on delete,
      // as other stacks in the same account and region use the same (account-wide) setting.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: API_STAGE,
        throttlingRateLimit: props.throttle.rateLimit,
        throttlingBurstLimit: props.throttle.burstLimit,
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogs),
        accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields({
          caller: false,
          httpMethod: true,
          ip: true,
          protocol: true,
          requestTime: true,
          resourcePath: true,
          responseLength: true,
          status: true,
          user: false,
        }),
        // Errors only, and never request or response bodies (they carry Slack tokens and approval links).
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
      },
      defaultIntegration: new apigw.LambdaIntegration(props.handler, { allowTestInvoke: false }),
    });
    this.api.root.addMethod('ANY');
    this.api.root.addProxy({ anyMethod: true });

    const stack = Stack.of(this);
    this.url = `https://${this.api.restApiId}.execute-api.${stack.region}.${stack.urlSuffix}/${API_STAGE}`;
  }
}
