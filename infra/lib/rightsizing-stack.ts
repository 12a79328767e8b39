import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { acknowledge, iam5, nagArn, PREFIX_REASON, RESULTS_BUCKET_NAG_ARN } from './nag.js';

export const HANDLER_ENTRY = fileURLToPath(new URL('./lambda/rightsize-handler.ts', import.meta.url));
export const FLEETS_PREFIX = 'fleets/';
export const FINDINGS_PREFIX = 'findings/';
/** Daily at 06:00 UTC: after a full day of metrics, before the working day in Europe. */
export const SCHEDULE_CRON = { minute: '0', hour: '6' } as const;

export interface RightsizingStackProps extends StackProps {
  /** The results bucket's name (ResultsStack's RESULTS_BUCKET_NAME). */
  bucketName: string;
  /** Set by tests to see the bundler's metafile; the deploy path leaves it off. */
  metafile?: boolean;
}

/**
 * `capacity-plan rightsize` on a schedule: EventBridge Scheduler invokes a Lambda function that
 * reads the fleet files under fleets/ in the results bucket and writes findings under findings/.
 * Failed invocations are retried twice, then land in a dead-letter queue.
 */
export class RightsizingStack extends Stack {
  readonly fn: nodejs.NodejsFunction;
  readonly deadLetters: sqs.Queue;

  constructor(scope: Construct, id: string, props: RightsizingStackProps) {
    super(scope, id, props);
    const bucket = s3.Bucket.fromBucketName(this, 'ResultsBucket', props.bucketName);
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    // An own role with exactly these grants instead of AWSLambdaBasicExecutionRole.
    const role = new iam.Role(this, 'FunctionRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'capacity-plan scheduled rightsizing: read fleets and metrics, write findings',
    });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn, `${logGroup.logGroupArn}:log-stream:*`] }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['cloudwatch:GetMetricData'], resources: ['*'] }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn], conditions: { StringLike: { 's3:prefix': [`${FLEETS_PREFIX}*`] } } }));
    // Fleet files name their capacity document relative to themselves: keep both under fleets/.
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects(`${FLEETS_PREFIX}*`)] }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [bucket.arnForObjects(`${FINDINGS_PREFIX}*`)] }));

    acknowledge(role, iam5('*'), 'cloudwatch:GetMetricData has no resource-level permissions.');
    acknowledge(role, iam5(`${nagArn(logGroup)}:log-stream:*`), "Lambda names a log stream per execution environment; the grant covers the streams of the function's own log group.");
    for (const prefix of [FLEETS_PREFIX, FINDINGS_PREFIX]) acknowledge(role, iam5(`${RESULTS_BUCKET_NAG_ARN}/${prefix}*`), PREFIX_REASON);

    this.fn = new nodejs.NodejsFunction(this, 'Watcher', {
      entry: HANDLER_ENTRY,
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_LATEST,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 1024,
      timeout: Duration.minutes(10),
      role,
      logGroup,
      environment: { RESULTS_BUCKET: bucket.bucketName, FLEETS_PREFIX, FINDINGS_PREFIX },
      // The scheduler retries; a second layer of async retries would only multiply the calls.
      retryAttempts: 0,
      bundling: {
        format: nodejs.OutputFormat.ESM,
        target: 'node20',
        minify: true,
        sourceMap: false,
        metafile: props.metafile ?? false,
        // NODEJS_LATEST bundles our pinned SDK rather than the runtime's; some of its dependencies are CommonJS.
        banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
      },
    });

    this.deadLetters = new sqs.Queue(this, 'DeadLetters', {
      retentionPeriod: Duration.days(14),
      enforceSSL: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
    });
    acknowledge(this.deadLetters, 'AwsSolutions-SQS3', 'This queue is itself the dead-letter queue of the rightsizing schedule; a queue behind it would never be read.');

    new Schedule(this, 'Daily', {
      schedule: ScheduleExpression.cron(SCHEDULE_CRON),
      description: 'capacity-plan rightsize over the fleet files in the results bucket',
      target: new LambdaInvoke(this.fn, {
        input: ScheduleTargetInput.fromObject({ lookbackMinutes: 14 * 1440 }),
        retryAttempts: 2,
        maxEventAge: Duration.hours(2),
        deadLetterQueue: this.deadLetters,
      }),
    });
    // The scheduler's role is created at stack level by LambdaInvoke, so the acknowledgment is too; the id names this function only.
    acknowledge(this, iam5(`${nagArn(this.fn)}:*`), 'LambdaInvoke grants lambda:InvokeFunction on the function and its versions (<arn>:*); the role invokes this one function only.');
  }
}
