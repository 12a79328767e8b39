import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { alarmName } from '../../src/rightsize/alarms.js';
import { snapshotCatalog } from '../../src/pricing/catalog.js';
import { batchResourceName } from '../../src/batch/names.js';
import { AGENT_METRICS } from '../../src/schema/wire/metricNames.js';
import { DLAMI_PARAMETER } from '../lib/profiling-host-stack.js';
import { AGENT_CONFIG_PARAMETER, PROMETHEUS_PARAMETER } from '../lib/fleet-monitoring-stack.js';

import { DEFAULT_AGENT_PORT } from '../../src/schema/wire/agentProcess.js';
import { ACTIONS_WITHOUT_RESOURCE_LEVEL, MIN_REASON_LENGTH } from '../lib/nag.js';
import { acknowledgments, FIXTURE_FLEET, FIXTURE_PLAN, grants, nagViolations, readFixtureJson, readFixtureYaml, synthApp, template, type Json, type Synth } from './helpers.js';

const TYPES = ['g4dn.xlarge', 'g5.xlarge', 'g6.xlarge'];
let synth: Synth;

// One app for the whole file: the synth is the expensive part.
beforeAll(() => {
  synth = synthApp({ plan: FIXTURE_PLAN, fleet: FIXTURE_FLEET, instanceTypes: TYPES.join(',') });
});

describe('profiling host', () => {
  it('has a launch template with IMDSv2 required, hop limit 2, instance tags and terminate on shutdown', () => {
    const t = template(synth.stacks.profilingHost);
    t.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateName: 'capacity-plan-profiling-host',
      LaunchTemplateData: Match.objectLike({
        InstanceType: 'g4dn.xlarge',
        MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2, InstanceMetadataTags: 'enabled' },
        InstanceInitiatedShutdownBehavior: 'terminate',
        UserData: Match.anyValue(),
      }),
    });
    expect(JSON.stringify(t.toJSON().Parameters)).toContain(DLAMI_PARAMETER);
  });

  it('user data installs with the CUDA 12 build and shuts down by trap and timer', () => {
    const t = template(synth.stacks.profilingHost);
    const [lt] = Object.values(t.findResources('AWS::EC2::LaunchTemplate'));
    const userData = JSON.stringify((lt as Json).Properties.LaunchTemplateData.UserData);
    expect(userData).toContain('ONNXRUNTIME_NODE_INSTALL=cuda12');
    expect(userData).toContain('trap finish EXIT');
    expect(userData).toMatch(/shutdown -h \+240/);
  });
});

describe('batch profiling', () => {
  const catalog = snapshotCatalog();

  it.each(TYPES)('%s: its own compute environment (only that type, ECS_AL2023_NVIDIA), queue and job definition', (type) => {
    const t = template(synth.stacks.batch);
    const spec = catalog.instances.find((i) => i.instanceType === type)!;
    const name = batchResourceName(type);
    t.hasResourceProperties('AWS::Batch::ComputeEnvironment', {
      ComputeEnvironmentName: name,
      Type: 'managed',
      ComputeResources: Match.objectLike({
        InstanceTypes: [type],
        Ec2Configuration: [{ ImageType: 'ECS_AL2023_NVIDIA' }],
        MinvCpus: 0,
        MaxvCpus: spec.vcpus,
        LaunchTemplate: Match.anyValue(),
      }),
    });
    t.hasResourceProperties('AWS::Batch::JobQueue', { JobQueueName: name, ComputeEnvironmentOrder: [Match.objectLike({ Order: 1 })] });
    const defs = Object.values(t.findResources('AWS::Batch::JobDefinition', { Properties: { JobDefinitionName: name } }));
    expect(defs).toHaveLength(1);
    const props = (defs[0] as Json).Properties;
    const requirement = (kind: string) => Number(props.ContainerProperties.ResourceRequirements.find((r: Json) => r.Type === kind).Value);
    expect(requirement('VCPU')).toBe(spec.vcpus);
    expect(requirement('GPU')).toBe(spec.accelerator.count);
    const memoryMiB = requirement('MEMORY');
    expect(memoryMiB).toBeLessThanOrEqual(0.95 * spec.memoryGiB * 1024);
    expect(memoryMiB).toBeGreaterThan(0.9 * spec.memoryGiB * 1024);
    expect(props.ContainerProperties.Command).toEqual(['run-job', 'Ref::run', 'Ref::specKey']);
    expect(props.ContainerProperties.Environment).toContainEqual({ Name: 'INSTANCE_TYPE', Value: type });
  });

  it('never lets Batch add the optimal (non-GPU) classes', () => {
    const envs = Object.values(template(synth.stacks.batch).findResources('AWS::Batch::ComputeEnvironment'));
    expect(envs).toHaveLength(TYPES.length);
    for (const env of envs) expect((env as Json).Properties.ComputeResources.InstanceTypes).not.toContain('optimal');
  });

  it("the hosts' launch template gives containers IMDSv2 (hop limit 2)", () => {
    template(synth.stacks.batch).hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({ MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2 } }),
    });
  });
});

describe('fleet monitoring', () => {
  it('puts the agent configuration in SSM with nvidia_gpu by AutoScalingGroupName and the Prometheus scrape', () => {
    const t = template(synth.stacks.monitoring);
    const params = t.findResources('AWS::SSM::Parameter', { Properties: { Name: AGENT_CONFIG_PARAMETER } });
    const [param] = Object.values(params);
    const config = JSON.parse((param as Json).Properties.Value);
    expect(config.metrics.append_dimensions).toMatchObject({ InstanceId: '${aws:InstanceId}', AutoScalingGroupName: '${aws:AutoScalingGroupName}' });
    expect(config.metrics.aggregation_dimensions).toEqual([['AutoScalingGroupName']]);
    expect(config.metrics.metrics_collected.nvidia_gpu.measurement).toContain('utilization_gpu');
    const prometheus = config.logs.metrics_collected.prometheus;
    expect(JSON.stringify(prometheus.emf_processor.metric_declaration)).toContain(AGENT_METRICS.requestsTotal);
    const [prometheusYaml] = Object.values(t.findResources('AWS::SSM::Parameter', { Properties: { Name: PROMETHEUS_PARAMETER } }));
    expect((prometheusYaml as Json).Properties.Value).toContain(`127.0.0.1:${DEFAULT_AGENT_PORT}`);
  });
});

describe('alarms from the plan', () => {
  const plan = readFixtureJson(FIXTURE_PLAN);
  const fleet = readFixtureYaml(FIXTURE_FLEET);
  const recommended = plan.candidates.find((c: Json) => c.id === plan.recommended);
  const capacityRps: number = recommended.capacity.throughputRps;
  const utilization: number = fleet.utilization;

  it('has the thresholds computed from the recommended candidate', () => {
    const t = template(synth.stacks.alarms!);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: alarmName(fleet, 'sla-at-risk'),
      Threshold: utilization,
      TreatMissingData: 'notBreaching',
      Metrics: Match.arrayWith([Match.objectLike({ Id: 'load', ReturnData: true, Expression: Match.stringLikeRegexp(`hosts\\*${capacityRps}\\)`) })]),
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: alarmName(fleet, 'over-provisioned'),
      Metrics: Match.arrayWith([Match.objectLike({ Expression: Match.stringLikeRegexp(`\\(hosts-1\\)\\*${capacityRps * utilization}`) })]),
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: alarmName(fleet, 'latency-sla'),
      MetricName: 'TargetResponseTime',
      ExtendedStatistic: 'p95',
      Threshold: 100 / 1000,
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: alarmName(fleet, 'no-capacity'),
      Threshold: fleet.minInstances,
      TreatMissingData: 'breaching',
    });
  });

  it('notifies an SNS topic under a customer key that CloudWatch may use', () => {
    const t = template(synth.stacks.alarms!);
    t.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.objectLike({ 'Fn::GetAtt': Match.anyValue() }) });
    t.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] }),
        ]),
      },
    });
    // CloudWatch may publish, from this fleet's alarms only (colon before the alarm name).
    t.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: Match.objectLike({ ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', Match.arrayWith([`:alarm:capacity-plan/${fleet.name}/*`])] } } }),
          }),
        ]),
      },
    });
    const alarms = Object.values(t.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(4);
    const [topicId] = Object.keys(t.findResources('AWS::SNS::Topic'));
    for (const alarm of alarms) {
      expect((alarm as Json).Properties.AlarmActions).toEqual([{ Ref: topicId }]);
      expect((alarm as Json).Properties.OKActions).toEqual([{ Ref: topicId }]);
    }
  });
});

describe('scheduled rightsizing', () => {
  it('runs daily through EventBridge Scheduler with retries and a dead-letter queue', () => {
    const t = template(synth.stacks.rightsizing);
    t.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 6 * * ? *)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: Match.objectLike({
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 7200 },
        DeadLetterConfig: { Arn: Match.objectLike({ 'Fn::GetAtt': Match.arrayWith(['Arn']) }) },
      }),
    });
    t.hasResourceProperties('AWS::Lambda::Function', { Runtime: Match.stringLikeRegexp('^nodejs'), Environment: { Variables: Match.objectLike({ FLEETS_PREFIX: 'fleets/', FINDINGS_PREFIX: 'findings/' }) } });
    t.resourceCountIs('AWS::SQS::Queue', 1);
  });
});

describe('IAM', () => {
  /** Per policy (logical id prefix): the only actions it may grant. */
  const ALLOW_LIST: [RegExp, string[]][] = [
    [/^HostRoleDefaultPolicy/, ['s3:GetObject', 's3:PutObject']],
    [/^JobRoleDefaultPolicy/, ['s3:GetObject', 's3:PutObject']],
    [/^Container.*ExecutionRoleDefaultPolicy/, ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage', 'ecr:GetAuthorizationToken', 'logs:CreateLogStream', 'logs:PutLogEvents']],
    [/^AgentPolicy/, ['ssm:GetParameter', 'cloudwatch:PutMetricData', 'ec2:DescribeTags', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams']],
    [/^FunctionRoleDefaultPolicy/, ['logs:CreateLogStream', 'logs:PutLogEvents', 'cloudwatch:GetMetricData', 's3:ListBucket', 's3:GetObject', 's3:PutObject']],
    // The scheduler sends what it could not deliver to the dead-letter queue.
    // CDK's custom resource that strips the rules of each VPC's default security group (scoped to that group).
    [/^CustomVpcRestrictDefaultSGCustomResourceProviderRole/, ['ec2:AuthorizeSecurityGroupIngress', 'ec2:AuthorizeSecurityGroupEgress', 'ec2:RevokeSecurityGroupIngress', 'ec2:RevokeSecurityGroupEgress']],
    [/^SchedulerRoleForTarget/, ['lambda:InvokeFunction', 'sqs:SendMessage']],
  ];

  it('each policy grants only its allow-listed actions, and "*" resources only for actions without resource-level permissions', () => {
    const all = Object.values(synth.stacks).flatMap((stack) => grants(template(stack)));
    expect(all.length).toBeGreaterThan(6);
    for (const grant of all) {
      const allowed = ALLOW_LIST.find(([pattern]) => pattern.test(grant.policy));
      expect(allowed, `policy ${grant.policy} is not on the allow-list`).toBeDefined();
      for (const action of grant.actions) expect(allowed![1], `${grant.policy} grants ${action}`).toContain(action);
      if (grant.resources.includes('*')) {
        for (const action of grant.actions) expect(ACTIONS_WITHOUT_RESOURCE_LEVEL as readonly string[], `${grant.policy}: ${action} on *`).toContain(action);
      }
    }
  });

  it('PutMetricData is limited to the CWAgent namespace', () => {
    const put = Object.values(synth.stacks).flatMap((s) => grants(template(s))).filter((g) => g.actions.includes('cloudwatch:PutMetricData'));
    expect(put).toHaveLength(1);
    expect(put[0]!.conditions).toEqual({ StringEquals: { 'cloudwatch:namespace': 'CWAgent' } });
  });

  it('the profiling roles write only under results/', () => {
    for (const stack of [synth.stacks.profilingHost, synth.stacks.batch]) {
      const writes = grants(template(stack)).filter((g) => g.actions.includes('s3:PutObject'));
      expect(writes.length).toBeGreaterThan(0);
      for (const w of writes) expect(JSON.stringify(w.resources)).toMatch(/capacity-plan-results-.*\/results\/\*/);
    }
  });
});

describe('cdk-nag', () => {
  it('finds nothing unacknowledged in Json stack', () => {
    expect(nagViolations(synth.app)).toEqual([]);
  });

  it('every acknowledgment carries a real reason', () => {
    // CDK records some of its own (CloudFormation-Validate::...); ours are the AwsSolutions ones.
    const acks = acknowledgments(synth.app).filter((a) => a.id.startsWith('AwsSolutions'));
    expect(acks.length).toBeGreaterThan(5);
    for (const ack of acks) {
      expect(ack.id, ack.path).toMatch(/^AwsSolutions-[A-Z]+\d+/);
      expect(ack.reason.trim().length, `${ack.path} ${ack.id}`).toBeGreaterThanOrEqual(MIN_REASON_LENGTH);
    }
  });
});
