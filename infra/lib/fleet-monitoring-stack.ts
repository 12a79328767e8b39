import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { DEFAULT_AGENT_PORT } from '../../src/schema/wire/agentProcess.js';
import { acknowledge, iam5, nagArn } from './nag.js';
import { GPU_METRICS_NAMESPACE, renderCloudWatchAgentConfig } from './render/cloudwatch-agent.js';
import { renderPrometheusYaml } from './render/prometheus-yaml.js';
import { renderFleetAgentUserData } from './render/user-data.js';

/** `amazon-cloudwatch-agent-ctl -c ssm:<name>` reads this parameter. */
export const AGENT_CONFIG_PARAMETER = 'AmazonCloudWatch-capacity-plan';
export const PROMETHEUS_PARAMETER = 'AmazonCloudWatch-capacity-plan-prometheus';
export const PROMETHEUS_CONFIG_PATH = '/opt/aws/amazon-cloudwatch-agent/etc/prometheus.yaml';
export const PROMETHEUS_LOG_GROUP = '/capacity-plan/prometheus';
export const AGENT_EMF_NAMESPACE = 'CapacityPlan/Agent';
export const SCRAPE_JOB = 'capacity-plan-agent';

export interface FleetMonitoringStackProps extends StackProps {
  /** The port `capacity-plan agent` serves /metrics on (default its DEFAULT_AGENT_PORT, 8000). */
  agentPort?: number;
}

/**
 * The CloudWatch agent set-up for a serving fleet: its configuration in SSM (GPU metrics by
 * AutoScalingGroupName, the names the watcher reads; the capacity-plan agent's /metrics through
 * Prometheus and EMF), and a least-privilege instance role instead of CloudWatchAgentServerPolicy.
 */
export class FleetMonitoringStack extends Stack {
  readonly role: iam.Role;
  readonly policy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: FleetMonitoringStackProps = {}) {
    super(scope, id, props);
    const logGroup = new logs.LogGroup(this, 'PrometheusLogs', {
      logGroupName: PROMETHEUS_LOG_GROUP,
      retention: logs.RetentionDays.TWO_WEEKS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const agentConfig = new ssm.StringParameter(this, 'AgentConfig', {
      parameterName: AGENT_CONFIG_PARAMETER,
      description: 'CloudWatch agent configuration for capacity-plan fleet hosts',
      stringValue: JSON.stringify(
        renderCloudWatchAgentConfig({
          prometheusConfigPath: PROMETHEUS_CONFIG_PATH,
          prometheusLogGroupName: PROMETHEUS_LOG_GROUP,
          emfNamespace: AGENT_EMF_NAMESPACE,
          scrapeJobName: SCRAPE_JOB,
        }),
      ),
    });
    const prometheus = new ssm.StringParameter(this, 'PrometheusConfig', {
      parameterName: PROMETHEUS_PARAMETER,
      description: 'prometheus.yaml for the CloudWatch agent on capacity-plan fleet hosts',
      stringValue: renderPrometheusYaml({ jobName: SCRAPE_JOB, port: props.agentPort ?? DEFAULT_AGENT_PORT }),
    });

    // A managed policy to attach to an existing fleet's instance role, and a role that has it.
    this.policy = new iam.ManagedPolicy(this, 'AgentPolicy', {
      description: 'capacity-plan fleet hosts: the CloudWatch agent, least privilege',
      statements: [
        new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: [agentConfig.parameterArn, prometheus.parameterArn] }),
        new iam.PolicyStatement({
          actions: ['cloudwatch:PutMetricData'],
          resources: ['*'],
          conditions: { StringEquals: { 'cloudwatch:namespace': GPU_METRICS_NAMESPACE } },
        }),
        new iam.PolicyStatement({ actions: ['ec2:DescribeTags'], resources: ['*'] }),
        new iam.PolicyStatement({
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
          resources: [logGroup.logGroupArn, `${logGroup.logGroupArn}:log-stream:*`],
        }),
      ],
    });
    acknowledge(this.policy, iam5('*'), 'cloudwatch:PutMetricData (limited to the CWAgent namespace by condition) and ec2:DescribeTags have no resource-level permissions.');
    acknowledge(this.policy, iam5(`${nagArn(logGroup)}:log-stream:*`), 'Log streams are named by the agent per host; the grant covers the streams of this one log group.');
    this.role = new iam.Role(this, 'HostRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'capacity-plan fleet host: the CloudWatch agent only',
      managedPolicies: [this.policy],
    });
    new iam.InstanceProfile(this, 'HostProfile', { role: this.role });

    new CfnOutput(this, 'FleetHostUserData', {
      value: renderFleetAgentUserData({
        agentConfigParameter: AGENT_CONFIG_PARAMETER,
        prometheusParameter: PROMETHEUS_PARAMETER,
        prometheusConfigPath: PROMETHEUS_CONFIG_PATH,
        region: this.region,
      }),
    });
    new CfnOutput(this, 'AgentPolicyArn', { value: this.policy.managedPolicyArn });
  }
}
