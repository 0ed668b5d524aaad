import { TTL_ATTRIBUTE, tableDefinition } from '@techteam/shared/store';
import { Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { SANDBOX_PREFIX } from '../function-access';
import { TenantDataRole } from '../tenant-data-role';

/**
 * What Techteam keeps: the single table (keys, indexes, TTL and stream read
 * from shared/store/table.ts, the same definition the local host creates) and
 * the bucket for workspaces, artifacts and sandbox job objects. Both are
 * retained when the stack is deleted.
 */
export class DataStack extends Stack {
  readonly table: Table;
  readonly artifacts: Bucket;
  /** Where every alarm of the app goes (infra/aws/observability.ts); subscribe to it after deploying. */
  readonly alarms: Topic;
  /** What a function acting for one tenant assumes: that tenant's items and objects only. */
  readonly tenantData: TenantDataRole;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const def = tableDefinition('techteam');
    const attribute = (name: string) => {
      const a = def.AttributeDefinitions?.find((x) => x.AttributeName === name);
      if (a?.AttributeType !== 'S') throw new Error(`table.ts: attribute ${name} is not a string key`);
      return { name, type: AttributeType.STRING };
    };
    const keys = (schema: { AttributeName?: string; KeyType?: string }[] | undefined) => {
      const hash = schema?.find((k) => k.KeyType === 'HASH')?.AttributeName;
      const range = schema?.find((k) => k.KeyType === 'RANGE')?.AttributeName;
      if (!hash) throw new Error('table.ts: a key schema has no HASH key');
      return { partitionKey: attribute(hash), ...(range ? { sortKey: attribute(range) } : {}) };
    };
    const streamView = def.StreamSpecification?.StreamViewType;

    this.table = new Table(this, 'Table', {
      ...keys(def.KeySchema),
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TTL_ATTRIBUTE,
      ...(streamView ? { stream: StreamViewType[streamView] } : {}),
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const gsi of def.GlobalSecondaryIndexes ?? []) {
      if (gsi.Projection?.ProjectionType !== 'ALL') throw new Error(`table.ts: ${gsi.IndexName} projection`);
      this.table.addGlobalSecondaryIndex({
        indexName: gsi.IndexName!,
        ...keys(gsi.KeySchema),
        projectionType: ProjectionType.ALL,
      });
    }

    const accessLogs = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions::AwsSolutions-S1',
      reason: 'This is the access-log bucket itself; logging its own access into itself would loop',
    });

    this.artifacts = new Bucket(this, 'Artifacts', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'artifacts/',
      // Sandbox job and result objects are only needed while the job runs.
      lifecycleRules: [{ prefix: `${SANDBOX_PREFIX}/`, expiration: Duration.days(1) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.tenantData = new TenantDataRole(this, 'TenantData', {
      table: this.table,
      artifacts: this.artifacts,
    });

    // CloudWatch cannot publish to a topic under the AWS-managed SNS key, so the topic has its own.
    const alarmKey = new Key(this, 'AlarmTopicKey', {
      description: 'Techteam alarm topic encryption (CloudWatch alarms may use it)',
      enableKeyRotation: true,
    });
    alarmKey.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.alarms = new Topic(this, 'Alarms', {
      displayName: 'Techteam alarms',
      masterKey: alarmKey,
      enforceSSL: true,
    });
  }
}
