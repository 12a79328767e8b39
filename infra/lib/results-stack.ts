import { Aws, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { acknowledge } from './nag.js';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

/**
 * The stateful part, apart from everything that can be redeployed freely: the bucket holding run
 * specs (specs/), profile and sweep documents (results/), run manifests (runs/), fleet files
 * (fleets/) and the scheduled watcher's findings (findings/). Its access logs go to a second bucket.
 */
/**
 * One bucket per account and region, named from them: the other stacks and the CLI find it by
 * name, with no cross-stack export to pin it (and cdk-nag sees the same ARN before and after synthesis).
 */
export const RESULTS_BUCKET_NAME = `capacity-plan-results-${Aws.ACCOUNT_ID}-${Aws.REGION}`;

export class ResultsStack extends Stack {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(accessLogs, 'AwsSolutions-S1', 'This bucket receives the results bucket access logs; logging it into itself would loop and another log bucket would only move the finding.');
    this.bucket = new s3.Bucket(this, 'Results', {
      bucketName: RESULTS_BUCKET_NAME,
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'results-bucket/',
      // Profiles and plans are small and are the record of what was measured: keep them, drop old versions.
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
