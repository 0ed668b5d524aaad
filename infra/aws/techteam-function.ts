import type { Duration } from 'aws-cdk-lib';
import type { ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import {
  handlerEntry,
  LAMBDA_BUNDLE,
  type LambdaHandler,
  REPO_ROOT,
  splitBundleCommand,
  tokenizerBesideCommands,
} from './bundling';
import type { DeployMode } from './deploy-context';
import { acknowledgeManagedPolicy, acknowledgeWildcards } from './nag';

/** Where byo-mode functions run: isolated subnets whose only ways out are AWS service endpoints. */
export interface FunctionNetwork {
  vpc: IVpc;
  subnets: SubnetSelection;
  securityGroup: ISecurityGroup;
}

export interface TechteamFunctionProps {
  handler: LambdaHandler;
  mode: DeployMode;
  description: string;
  environment: Record<string, string>;
  timeout: Duration;
  memorySize?: number;
  network?: FunctionNetwork;
  /** Ship gpt-tokenizer beside the bundle (functions that call models: the gateway counts tokens). */
  withTokenizer?: boolean;
}

/**
 * The Lambda runtime: Node 24, the newest LTS line Lambda runs (cdk-nag's L1 checks it is
 * the latest); the bundles target it. Handlers are async, which Node 24's runtime requires.
 */
export const LAMBDA_RUNTIME = Runtime.NODEJS_24_X;

/**
 * One handler in functions/ as a Lambda: esbuild bundling on the local machine
 * (never Docker), arm64, its own log group, Powertools logger settings.
 * AWS_REGION is not set here: Lambda sets it and reserves the name.
 */
export class TechteamFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: TechteamFunctionProps) {
    const entry = handlerEntry(props.handler.file);
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: RetentionDays.ONE_MONTH });
    super(scope, id, {
      entry,
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: `${REPO_ROOT}/package-lock.json`,
      runtime: LAMBDA_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout,
      description: props.description,
      logGroup,
      // X-Ray traces each invocation, joined to the state machine's trace.
      tracing: Tracing.ACTIVE,
      environment: {
        POWERTOOLS_SERVICE_NAME: 'techteam',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        TECHTEAM_MODE: props.mode,
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: LAMBDA_BUNDLE.target,
        minify: LAMBDA_BUNDLE.minify,
        sourceMap: LAMBDA_BUNDLE.sourceMap,
        mainFields: [...LAMBDA_BUNDLE.mainFields],
        externalModules: [...LAMBDA_BUNDLE.externalModules],
        esbuildArgs: {
          '--alias': Object.entries(LAMBDA_BUNDLE.alias).map(([from, to]) => `${from}=${to}`),
        },
        banner: LAMBDA_BUNDLE.banner,
        forceDockerBundling: false,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          // Rebuilt with code splitting (see splitBundleCommand), then gpt-tokenizer beside it where models are called.
          afterBundling: (_inputDir: string, outputDir: string) => [
            splitBundleCommand(entry, outputDir),
            ...(props.withTokenizer ? tokenizerBesideCommands(REPO_ROOT, outputDir) : []),
          ],
        },
      },
      ...(props.network
        ? {
            vpc: props.network.vpc,
            vpcSubnets: props.network.subnets,
            securityGroups: [props.network.securityGroup],
          }
        : {}),
    });
    // Active tracing grants xray:PutTraceSegments/PutTelemetryRecords, which have no resource level.
    acknowledgeWildcards(this, ['NoResourceLevel']);
    acknowledgeManagedPolicy(
      this,
      'service-role/AWSLambdaBasicExecutionRole',
      'The AWS-managed minimum a Lambda needs to write its own logs; everything else is granted per function',
    );
    if (props.network) {
      acknowledgeManagedPolicy(
        this,
        'service-role/AWSLambdaVPCAccessExecutionRole',
        'byo functions run in the isolated VPC; this AWS-managed policy only lets Lambda attach network interfaces there',
      );
    }
  }
}
