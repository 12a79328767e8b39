import { ArnFormat, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { ALARM_PREFIX, alarmSpecs, type AlarmSpec } from '../../src/rightsize/alarms.js';
import type { FleetCapacity } from '../../src/rightsize/capacity.js';
import type { Fleet } from '../../src/schema/fleet.js';

export interface PlanAlarmsStackProps extends StackProps {
  fleet: Fleet;
  capacity: FleetCapacity;
}

/**
 * The rightsizing alarms of one fleet, from the same pure alarmSpecs that `rightsize
 * --create-alarms` puts with PutMetricAlarm: each spec becomes a CfnAlarm property for property.
 * Notifications go to an SNS topic under a customer-managed key that CloudWatch may use (with
 * the AWS-managed alias/aws/sns key, alarm notifications are silently dropped).
 */
export class PlanAlarmsStack extends Stack {
  readonly topic: sns.Topic;
  readonly specs: AlarmSpec[];

  constructor(scope: Construct, id: string, props: PlanAlarmsStackProps) {
    super(scope, id, props);
    const key = new kms.Key(this, 'TopicKey', {
      description: `capacity-plan alarm topic for fleet ${props.fleet.name}`,
      enableKeyRotation: true,
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    this.topic = new sns.Topic(this, 'Alarms', {
      displayName: `capacity-plan ${props.fleet.name}`,
      masterKey: key,
      enforceSSL: true,
    });
    // enforceSSL replaces the topic's default policy, so let CloudWatch publish explicitly, from
    // this fleet's alarms only. Alarm ARNs put a colon, not a slash, before the name.
    const alarmArns = Stack.of(this).formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: `${ALARM_PREFIX}/${props.fleet.name}/*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { ArnLike: { 'aws:SourceArn': alarmArns }, StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    this.specs = alarmSpecs(props.capacity, props.fleet, { topicArn: this.topic.topicArn });
    for (const spec of this.specs) {
      const input = spec.input;
      new cloudwatch.CfnAlarm(this, `Alarm-${spec.kind}`, {
        alarmName: input.AlarmName,
        alarmDescription: input.AlarmDescription,
        actionsEnabled: input.ActionsEnabled,
        alarmActions: input.AlarmActions,
        okActions: input.OKActions,
        comparisonOperator: input.ComparisonOperator,
        threshold: input.Threshold,
        evaluationPeriods: input.EvaluationPeriods,
        datapointsToAlarm: input.DatapointsToAlarm,
        treatMissingData: input.TreatMissingData,
        namespace: input.Namespace,
        metricName: input.MetricName,
        dimensions: input.Dimensions?.map((d) => ({ name: d.Name, value: d.Value })),
        period: input.Period,
        statistic: input.Statistic,
        extendedStatistic: input.ExtendedStatistic,
        evaluateLowSampleCountPercentile: input.EvaluateLowSampleCountPercentile,
        metrics: input.Metrics?.map((m) => ({
          id: m.Id,
          label: m.Label,
          returnData: m.ReturnData,
          expression: m.Expression,
          metricStat: m.MetricStat && {
            metric: {
              namespace: m.MetricStat.Metric.Namespace,
              metricName: m.MetricStat.Metric.MetricName,
              dimensions: m.MetricStat.Metric.Dimensions.map((d) => ({ name: d.Name, value: d.Value })),
            },
            period: m.MetricStat.Period,
            stat: m.MetricStat.Stat,
          },
        })),
      });
    }
    new CfnOutput(this, 'AlarmTopicArn', { value: this.topic.topicArn });
  }
}
