import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { acknowledge } from './nag.js';

/**
 * A VPC of public subnets only: profiling hosts reach npm, nodejs.org, ECR and S3 and accept no
 * inbound traffic, so a NAT gateway (about $33 a month each) would buy nothing.
 */
export class PublicOnlyVpc extends Construct {
  readonly vpc: ec2.Vpc;
  readonly securityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 3,
      natGateways: 0,
      subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC, mapPublicIpOnLaunch: true }],
    });
    // An S3 gateway endpoint is free and keeps result uploads off the internet path.
    this.vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 });
    acknowledge(this.vpc, 'AwsSolutions-VPC7', 'Short-lived profiling hosts with no inbound rules in public subnets; flow logs would cost more than the runs they record and show only egress to npm, ECR and S3.');
    this.securityGroup = new ec2.SecurityGroup(this, 'Hosts', {
      vpc: this.vpc,
      description: 'capacity-plan profiling hosts: no inbound, outbound HTTPS',
      allowAllOutbound: false,
    });
    this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS: S3, ECR, npm, nodejs.org');
    this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(80), 'HTTP: OS package mirrors');
  }
}
