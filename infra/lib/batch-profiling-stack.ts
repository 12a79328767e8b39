import { CfnOutput, Duration, Size, Stack, type StackProps } from 'aws-cdk-lib';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { batchResourceName, JOB_PARAMETERS, RESULTS_PREFIX, SPECS_PREFIX } from '../../src/batch/names.js';
import type { GpuHostSpec } from '../../src/batch/hosts.js';
import { acknowledge, iam5, PREFIX_REASON, RESULTS_BUCKET_NAG_ARN } from './nag.js';
import { PublicOnlyVpc } from './network.js';

export interface BatchProfilingStackProps extends StackProps {
  /** The results bucket's name (ResultsStack's RESULTS_BUCKET_NAME). */
  bucketName: string;
  hosts: GpuHostSpec[];
  /** Hosts of one type that may run at once (default 1: a run profiles each type once). */
  maxHostsPerType?: number;
  /** The profiler image's build context (the repository root) and its Dockerfile, relative to it. */
  imageDirectory: string;
  imageFile: string;
}

/**
 * Profiling every candidate type at once. A Batch job cannot choose an instance type, so each type
 * gets its own compute environment (only that type, no `optimal`), job queue and job definition
 * that takes the whole host: one profile per GPU, never two sharing it. Names come from
 * src/batch/names.ts, which `capacity-plan batch submit` uses to find them.
 */
export class BatchProfilingStack extends Stack {
  readonly jobRole: iam.Role;

  constructor(scope: Construct, id: string, props: BatchProfilingStackProps) {
    super(scope, id, props);
    const bucket = s3.Bucket.fromBucketName(this, 'ResultsBucket', props.bucketName);
    const network = new PublicOnlyVpc(this, 'Network');
    const image = ecs.ContainerImage.fromAsset(props.imageDirectory, { file: props.imageFile });

    this.jobRole = new iam.Role(this, 'JobRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'capacity-plan Batch profiling job: read its spec, write its results, nothing else',
    });
    this.jobRole.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects(`${SPECS_PREFIX}*`)] }));
    this.jobRole.addToPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [bucket.arnForObjects(`${RESULTS_PREFIX}*`)] }));

    for (const prefix of [SPECS_PREFIX, RESULTS_PREFIX]) acknowledge(this.jobRole, iam5(`${RESULTS_BUCKET_NAG_ARN}/${prefix}*`), PREFIX_REASON);

    // IMDSv2 with hop limit 2: the container (one hop further than the host) must read the instance type.
    const launchTemplate = new ec2.LaunchTemplate(this, 'HostTemplate', {
      requireImdsv2: true,
      httpPutResponseHopLimit: 2,
      blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(100, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }) }],
    });

    for (const host of props.hosts) {
      const name = batchResourceName(host.instanceType);
      const environment = new batch.ManagedEc2EcsComputeEnvironment(this, `Env-${host.instanceType}`, {
        computeEnvironmentName: name,
        vpc: network.vpc,
        vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
        securityGroups: [network.securityGroup],
        instanceTypes: [new ec2.InstanceType(host.instanceType)],
        // Otherwise Batch appends `optimal` (m6i/c6i/r6i, no GPU) to the types.
        useOptimalInstanceClasses: false,
        images: [{ imageType: batch.EcsMachineImageType.ECS_AL2023_NVIDIA }],
        launchTemplate,
        minvCpus: 0,
        maxvCpus: host.vcpus * (props.maxHostsPerType ?? 1),
        replaceComputeEnvironment: false,
      });
      acknowledge(
        environment,
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role]',
        'The Batch container-instance role uses AmazonEC2ContainerServiceforEC2Role, the AWS-maintained set the ECS agent needs; it follows the agent as it changes.',
      );
      new batch.JobQueue(this, `Queue-${host.instanceType}`, {
        jobQueueName: name,
        computeEnvironments: [{ computeEnvironment: environment, order: 1 }],
      });
      new batch.EcsJobDefinition(this, `Job-${host.instanceType}`, {
        jobDefinitionName: name,
        parameters: { [JOB_PARAMETERS.run]: 'unset', [JOB_PARAMETERS.specKey]: 'unset' },
        timeout: Duration.hours(4),
        retryAttempts: 2,
        retryStrategies: [
          batch.RetryStrategy.of(batch.Action.EXIT, batch.Reason.CANNOT_PULL_CONTAINER),
          // A host lost under the job is worth another try; a profile that failed on its own is not.
          batch.RetryStrategy.of(batch.Action.RETRY, batch.Reason.custom({ onStatusReason: 'Host EC2*' })),
          batch.RetryStrategy.of(batch.Action.EXIT, batch.Reason.NON_ZERO_EXIT_CODE),
        ],
        container: this.container(host, image, bucket.bucketName),
      });
    }
    new CfnOutput(this, 'JobQueues', { value: props.hosts.map((h) => batchResourceName(h.instanceType)).join(',') });
  }

  private container(host: GpuHostSpec, image: ecs.ContainerImage, bucketName: string): batch.EcsEc2ContainerDefinition {
    const container = new batch.EcsEc2ContainerDefinition(this, `Container-${host.instanceType}`, {
          image,
          cpu: host.vcpus,
          memory: Size.mebibytes(host.jobMemoryMiB),
          gpu: host.gpus,
          jobRole: this.jobRole,
          command: ['run-job', `Ref::${JOB_PARAMETERS.run}`, `Ref::${JOB_PARAMETERS.specKey}`],
          environment: {
            RESULTS_BUCKET: bucketName,
            INSTANCE_TYPE: host.instanceType,
          },
        });
    // The execution role CDK makes pulls the image and writes the job's logs.
    acknowledge(container, iam5('*'), 'ecr:GetAuthorizationToken has no resource-level permissions; the image pull itself is scoped to the asset repository.');
    acknowledge(
      container,
      iam5('arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/batch/job:*'),
      "Batch's awslogs driver writes every job to the fixed /aws/batch/job group; log streams are named per job, so the grant covers that one group.",
    );
    return container;
  }
}
