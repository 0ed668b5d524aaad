import { Aws, Duration, Fn, Validations } from 'aws-cdk-lib';
import { AdjustmentType } from 'aws-cdk-lib/aws-applicationautoscaling';
import { AutoScalingGroup } from 'aws-cdk-lib/aws-autoscaling';
import {
  BlockDeviceVolume,
  EbsDeviceVolumeType,
  InstanceType,
  LaunchTemplate,
  UserData,
} from 'aws-cdk-lib/aws-ec2';
import type { DockerImageAsset } from 'aws-cdk-lib/aws-ecr-assets';
import {
  AsgCapacityProvider,
  type Cluster,
  ContainerImage,
  Ec2Service,
  Ec2TaskDefinition,
  EcsOptimizedImage,
  type LogDriver,
  NetworkMode,
} from 'aws-cdk-lib/aws-ecs';
import { Role as IamRole, type Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { SANDBOX_RUNNER } from '../../../sandbox';
import { acknowledgeWildcards } from '../../nag';
import type { SandboxNetwork } from './network';

/**
 * The ec2-gvisor pool's capacity, kept consistent in one place: a c7i.large (2 vCPU,
 * 4 GiB, of which ECS offers ~3.7 GiB to tasks) fits one 3 GiB runner, so the host
 * group may grow to one host per runner at the pool's largest.
 */
export const GVISOR_POOL = {
  instanceType: 'c7i.large',
  runnerMemoryMiB: 3072,
  runnersPerHost: 1,
  minRunners: 1,
  maxRunners: 8,
  get maxHosts(): number {
    return Math.ceil(this.maxRunners / this.runnersPerHost);
  },
} as const;

export interface GvisorPoolProps {
  network: SandboxNetwork;
  cluster: Cluster;
  image: DockerImageAsset;
  logging: LogDriver;
  taskRole: Role;
  queue: Queue;
}

/**
 * ec2-gvisor: EC2 container instances with runsc registered in Docker, and a warm pool of
 * runners scaled on the job queue's depth. Built into the given scope (the sandbox stack),
 * keeping the logical ids it had before this was split out of the stack.
 */
export class GvisorPool {
  readonly taskDefinition: Ec2TaskDefinition;

  constructor(scope: Construct, props: GvisorPoolProps) {
    const instanceRole = new IamRole(scope, 'GvisorInstanceRole', {
      assumedBy: new ServicePrincipal('ec2.amazonaws.com'),
      description: 'gVisor sandbox hosts: join the ECS cluster and pull the runner image',
    });
    props.image.repository.grantPull(instanceRole);

    const userData = UserData.forLinux();
    const registry = Fn.select(0, Fn.split('/', props.image.imageUri));
    userData.addCommands(
      'set -euo pipefail',
      // The hosts have no route to the internet, so runsc cannot be downloaded: it is copied
      // out of the runner image (built WITH_RUNSC=true) through the ECR and S3 endpoints.
      'command -v aws >/dev/null || dnf install -y awscli-2',
      'systemctl start docker',
      `aws ecr get-login-password --region ${Aws.REGION} | docker login --username AWS --password-stdin ${registry}`,
      `docker pull ${props.image.imageUri}`,
      `cid=$(docker create ${props.image.imageUri})`,
      'docker cp "$cid:/usr/bin/runsc" /usr/local/bin/runsc && docker rm "$cid"',
      'chmod 0755 /usr/local/bin/runsc',
      // Registers the "runsc" runtime in /etc/docker/daemon.json. It is not made Docker's default:
      // that would start the ECS agent itself under gVisor, which stops it (aws/containers-roadmap#673).
      '/usr/local/bin/runsc install',
      'systemctl restart docker',
      // The runners (awsvpc tasks) must not reach the host's instance metadata and its role's
      // credentials; the hop limit below stops bridge-mode containers, this stops awsvpc ones.
      'echo ECS_AWSVPC_BLOCK_IMDS=true >> /etc/ecs/ecs.config',
    );
    const launchTemplate = new LaunchTemplate(scope, 'GvisorHostTemplate', {
      instanceType: new InstanceType(GVISOR_POOL.instanceType),
      machineImage: EcsOptimizedImage.amazonLinux2023(),
      role: instanceRole,
      userData,
      securityGroup: props.network.runnerSecurityGroup,
      requireImdsv2: true,
      // One hop: the host reaches IMDSv2, anything behind a bridge or in a container does not.
      httpPutResponseHopLimit: 1,
      detailedMonitoring: true,
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          volume: BlockDeviceVolume.ebs(40, { encrypted: true, volumeType: EbsDeviceVolumeType.GP3 }),
        },
      ],
    });
    const hosts = new AutoScalingGroup(scope, 'GvisorHosts', {
      vpc: props.network.vpc,
      vpcSubnets: props.network.sandboxSubnets,
      launchTemplate,
      minCapacity: 0,
      // One host per runner at most: the pool's largest size always has somewhere to run.
      maxCapacity: GVISOR_POOL.maxHosts,
    });
    const capacity = new AsgCapacityProvider(scope, 'GvisorCapacity', {
      autoScalingGroup: hosts,
      enableManagedScaling: true,
      enableManagedTerminationProtection: false,
      // ECS drains a host's tasks before scale-in itself, so no drain-hook Lambda is created.
      enableManagedDraining: true,
      targetCapacityPercent: 100,
    });
    props.cluster.addAsgCapacityProvider(capacity);

    const task = new Ec2TaskDefinition(scope, 'GvisorRunnerTask', {
      networkMode: NetworkMode.AWS_VPC,
      taskRole: props.taskRole,
    });
    this.taskDefinition = task;
    task.addContainer(SANDBOX_RUNNER.containerName, {
      image: ContainerImage.fromDockerImageAsset(props.image),
      memoryLimitMiB: GVISOR_POOL.runnerMemoryMiB,
      logging: props.logging,
      // runsc needs to create the namespaces and cgroups of each job's sandbox. Jobs themselves
      // run inside gVisor with no capabilities and --network=none; only the runner is privileged.
      privileged: true,
      environment: {
        [SANDBOX_RUNNER.env.isolation]: 'gvisor',
        [SANDBOX_RUNNER.env.queueUrl]: props.queue.queueUrl,
        // A pool runner never idles out: the service keeps the pool at its size.
        [SANDBOX_RUNNER.env.idleSeconds]: String(7 * 24 * 3600),
      },
    });

    const pool = new Ec2Service(scope, 'GvisorPool', {
      cluster: props.cluster,
      taskDefinition: task,
      desiredCount: 1,
      minHealthyPercent: 0,
      maxHealthyPercent: 200,
      // A runner that cannot start fails the deployment in minutes and rolls back, not after hours.
      circuitBreaker: { enable: true, rollback: true },
      capacityProviderStrategies: [{ capacityProvider: capacity.capacityProviderName, weight: 1 }],
      vpcSubnets: props.network.sandboxSubnets,
      securityGroups: [props.network.runnerSecurityGroup],
    });
    // Warm pool of 1–8 runners, growing with the jobs waiting in the queue.
    const scaling = pool.autoScaleTaskCount({
      minCapacity: GVISOR_POOL.minRunners,
      maxCapacity: GVISOR_POOL.maxRunners,
    });
    scaling.scaleOnMetric('QueueDepth', {
      metric: props.queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }),
      adjustmentType: AdjustmentType.CHANGE_IN_CAPACITY,
      scalingSteps: [
        { upper: 0, change: -1 },
        { lower: 2, change: +1 },
        { lower: 10, change: +3 },
      ],
      cooldown: Duration.minutes(2),
    });

    acknowledgeWildcards(instanceRole, ['NoResourceLevel', 'EcsAgentActions']);
    Validations.of(hosts).acknowledge({
      id: 'AwsSolutions::AwsSolutions-AS3',
      reason:
        'Scaling is driven by the ECS capacity provider and visible in ECS events; no one acts on ASG notifications',
    });
    Validations.of(launchTemplate).acknowledge({
      id: 'AwsSolutions::AwsSolutions-EC29',
      reason:
        'Sandbox hosts are disposable capacity replaced by the ASG; termination protection would block scale-in',
    });
  }
}
