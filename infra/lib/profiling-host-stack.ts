import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { RESULTS_PREFIX, SPECS_PREFIX } from '../../src/batch/names.js';
import { acknowledge, iam5, PREFIX_REASON, RESULTS_BUCKET_NAG_ARN } from './nag.js';
import { PublicOnlyVpc } from './network.js';
import { renderProfilingUserData } from './render/user-data.js';

/** The multi-CUDA Deep Learning AMI: it carries CUDA 12.x next to its default 13.x (onnxruntime-node needs 12). */
export const DLAMI_PARAMETER = '/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-ubuntu-22.04/latest/ami-id';

/** Where the deployer uploads `npm pack`'s tarball for the hosts: `aws s3 cp capacity-plan-<version>.tgz s3://<bucket>/tools/capacity-plan.tgz`. */
export const TOOL_KEY = 'tools/capacity-plan.tgz';

export interface ProfilingHostStackProps extends StackProps {
  /** The results bucket's name (ResultsStack's RESULTS_BUCKET_NAME). */
  bucketName: string;
  /** The launch template's default type; each run may override it. */
  instanceType: string;
  /** The packed tool's key in the results bucket (default TOOL_KEY). */
  toolKey?: string;
  nodeVersion?: string;
  maxRunMinutes?: number;
}

/**
 * A launch template for one GPU profiling host per run: `aws ec2 run-instances
 * --launch-template LaunchTemplateName=capacity-plan-profiling-host --instance-type g5.xlarge
 * --tag-specifications 'ResourceType=instance,Tags=[{Key=capacity-plan-run,Value=<run>},{Key=capacity-plan-spec,Value=specs/<run>/spec.json}]'`.
 * The template, not an instance, is the durable part: a host that shut itself down is not
 * recreated by a redeploy.
 */
export class ProfilingHostStack extends Stack {
  readonly launchTemplate: ec2.LaunchTemplate;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: ProfilingHostStackProps) {
    super(scope, id, props);
    const bucket = s3.Bucket.fromBucketName(this, 'ResultsBucket', props.bucketName);
    const network = new PublicOnlyVpc(this, 'Network');

    this.role = new iam.Role(this, 'HostRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'capacity-plan profiling host: read its spec, write its results, nothing else',
    });
    // Explicit actions (not grantPut, which adds s3:Abort* and friends): read specs, write results.
    this.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects(`${SPECS_PREFIX}*`), bucket.arnForObjects(props.toolKey ?? TOOL_KEY)] }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [bucket.arnForObjects(`${RESULTS_PREFIX}*`)] }),
    );

    for (const prefix of [SPECS_PREFIX, RESULTS_PREFIX]) acknowledge(this.role, iam5(`${RESULTS_BUCKET_NAG_ARN}/${prefix}*`), PREFIX_REASON);

    const userData = ec2.UserData.custom(
      renderProfilingUserData({
        bucketName: bucket.bucketName,
        region: this.region,
        toolKey: props.toolKey ?? TOOL_KEY,
        nodeVersion: props.nodeVersion ?? '22.23.5',
        maxRunMinutes: props.maxRunMinutes ?? 240,
      }),
    );

    this.launchTemplate = new ec2.LaunchTemplate(this, 'Host', {
      launchTemplateName: 'capacity-plan-profiling-host',
      instanceType: new ec2.InstanceType(props.instanceType),
      machineImage: ec2.MachineImage.fromSsmParameter(DLAMI_PARAMETER, { os: ec2.OperatingSystemType.LINUX }),
      role: this.role,
      userData,
      securityGroup: network.securityGroup,
      requireImdsv2: true,
      // Hop limit 2: containers on the host reach IMDSv2 too (src/profile/imds.ts reads the instance type).
      httpPutResponseHopLimit: 2,
      // User data reads the run and the spec from the instance's tags.
      instanceMetadataTags: true,
      instanceInitiatedShutdownBehavior: ec2.InstanceInitiatedShutdownBehavior.TERMINATE,
      blockDevices: [{ deviceName: '/dev/sda1', volume: ec2.BlockDeviceVolume.ebs(150, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3, deleteOnTermination: true }) }],
    });

    new CfnOutput(this, 'LaunchTemplateName', { value: 'capacity-plan-profiling-host' });
    new CfnOutput(this, 'Subnets', { value: network.vpc.publicSubnets.map((s) => s.subnetId).join(',') });
  }
}
