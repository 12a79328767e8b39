import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * cdk-nag acknowledgments. IAM findings are granular (`AwsSolutions-IAM5[Resource::<arn>]`), and
 * only the exact id suppresses; the 'AwsSolutions::' prefix the error message shows does not.
 * Every acknowledgment says why: cdk-nag accepts an empty reason, this does not.
 */
export const MIN_REASON_LENGTH = 20;

export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  if (reason.trim().length < MIN_REASON_LENGTH) throw new Error(`acknowledgment of ${id} needs a reason of at least ${MIN_REASON_LENGTH} characters`);
  Validations.of(scope).acknowledge({ id, reason });
}

/** How cdk-nag writes a resource's ARN inside a granular finding: `<LogicalId.Arn>`. */
export function nagArn(construct: IConstruct): string {
  const resource = construct instanceof CfnResource ? construct : construct.node.defaultChild;
  if (!(resource instanceof CfnResource)) throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return `<${Stack.of(resource).getLogicalId(resource)}.Arn>`;
}

/** How cdk-nag writes the results bucket's ARN (named from the account and region, so no cross-stack reference). */
export const RESULTS_BUCKET_NAG_ARN = 'arn:<AWS::Partition>:s3:::capacity-plan-results-<AWS::AccountId>-<AWS::Region>';

export function iam5(resource: string): string {
  return `AwsSolutions-IAM5[Resource::${resource}]`;
}

/** Actions that have no resource-level permissions, so only `Resource: "*"` can grant them. */
export const ACTIONS_WITHOUT_RESOURCE_LEVEL = ['cloudwatch:PutMetricData', 'cloudwatch:GetMetricData', 'ec2:DescribeTags', 'ecr:GetAuthorizationToken'] as const;

export const PREFIX_REASON = 'Scoped to one key prefix of the results bucket, the narrowest grant S3 allows for keys chosen per run.';
