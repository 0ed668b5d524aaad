import { Aws, Fn, Validations } from 'aws-cdk-lib';
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
  Ec2TaskDefinition,
  EcsOptimizedImage,
  type LogDriver,
  NetworkMode,
} from 'aws-cdk-lib/aws-ecs';
import { Role as IamRole, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { SANDBOX_RUNNER } from '../../../sandbox';
import { HostCountInvalid } from '../../deploy-context';
import { SANDBOX_PREFIX } from '../../function-access';
import { acknowledgeWildcards } from '../../nag';
import type { SandboxNetwork } from './network';
import type { RunnerRoles } from './runner-roles';

/**
 * The ec2-gvisor hosts, kept consistent in one place: a c7i.large (2 vCPU, 4 GiB, of which ECS
 * offers ~3.7 GiB to tasks) fits one 3 GiB runner, so a host never holds two runs' runners (and
 * two tenants' privileged runners never share a kernel). One host is kept warm, so a run's runner
 * starts in seconds; at most `maxHosts` runs hold a runner at once (the others' runners wait in
 * PROVISIONING for a host).
 */
export const GVISOR_HOSTS = {
  instanceType: 'c7i.large',
  runnerMemoryMiB: 3072,
  runnersPerHost: 1,
  warmHosts: 1,
  maxHosts: 8,
  get maxRuns(): number {
    return this.maxHosts * this.runnersPerHost;
  },
} as const;

export interface GvisorRunnerProps {
  network: SandboxNetwork;
  cluster: Cluster;
  image: DockerImageAsset;
  logging: LogDriver;
  /** The task definition's literal family (see SandboxStack.runnerFamily). */
  family: string;
  roles: RunnerRoles;
  artifacts: IBucket;
  /** The deploy context's `gvisorMaxHosts` / `gvisorWarmHosts`; GVISOR_HOSTS's where absent. */
  hosts?: { max?: number; warm?: number };
}

/**
 * The hosts a synth builds: the context's counts where given, else GVISOR_HOSTS's. Warm hosts
 * above the most there may be stop the synth (a warm count alone is checked against the default 8).
 */
export function gvisorHostCounts(hosts: GvisorRunnerProps['hosts']): { max: number; warm: number } {
  const max = hosts?.max ?? GVISOR_HOSTS.maxHosts;
  const warm = hosts?.warm ?? Math.min(max, GVISOR_HOSTS.warmHosts);
  if (warm > max) throw new HostCountInvalid('gvisorWarmHosts', warm, 0, max);
  return { max, warm };
}

/**
 * ec2-gvisor: EC2 container instances with runsc registered in Docker, behind an ECS capacity
 * provider, and the runner's task definition. As on Fargate, each task run gets a runner task of
 * its own (RunTask on this capacity provider, by shared/sandbox/aws/remote-sandbox.ts) reading
 * only its run's queue with the run role's session; each job runs under runsc. Built into the
 * given scope (the sandbox stack), keeping the logical ids it had there.
 */
export class GvisorRunner {
  readonly taskDefinition: Ec2TaskDefinition;
  readonly capacityProviderName: string;

  constructor(scope: Construct, props: GvisorRunnerProps) {
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
      instanceType: new InstanceType(GVISOR_HOSTS.instanceType),
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
      // A warm host: the runner image is cached there, so a run's runner starts in seconds.
      minCapacity: gvisorHostCounts(props.hosts).warm,
      maxCapacity: gvisorHostCounts(props.hosts).max,
    });
    const capacity = new AsgCapacityProvider(scope, 'GvisorCapacity', {
      autoScalingGroup: hosts,
      enableManagedScaling: true,
      // A runner is a standalone task serving a run: scale-in must never pick its host, only
      // hosts with no runner on them (new hosts are protected from scale-in; ECS lifts that).
      enableManagedTerminationProtection: true,
      // ECS drains a host's tasks before a replacement itself, so no drain-hook Lambda is created.
      enableManagedDraining: true,
      targetCapacityPercent: 100,
    });
    props.cluster.addAsgCapacityProvider(capacity);

    this.capacityProviderName = capacity.capacityProviderName;

    const task = new Ec2TaskDefinition(scope, 'GvisorRunnerTask', {
      // A literal family, as on Fargate: RunTask names it, a new image makes a new revision.
      family: props.family,
      networkMode: NetworkMode.AWS_VPC,
      taskRole: props.roles.taskRole,
    });
    this.taskDefinition = task;
    const env = SANDBOX_RUNNER.env;
    task.addContainer(SANDBOX_RUNNER.containerName, {
      image: ContainerImage.fromDockerImageAsset(props.image),
      memoryLimitMiB: GVISOR_HOSTS.runnerMemoryMiB,
      logging: props.logging,
      // runsc needs to create the namespaces and cgroups of each job's sandbox. Jobs themselves
      // run inside gVisor with no capabilities and --network=none; only the runner is privileged.
      privileged: true,
      // The queue URL, run id and idle time come per task from RunTask overrides (RunnerPerRunSandbox).
      environment: {
        [env.isolation]: 'gvisor',
        [env.runRoleArn]: props.roles.runRole.roleArn,
        [env.bucket]: props.artifacts.bucketName,
        [env.prefix]: SANDBOX_PREFIX,
      },
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
