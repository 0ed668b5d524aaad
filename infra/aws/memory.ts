import type { FunctionAccess, MemoryAccess } from '@techteam/functions/manifest';
import { QUEUE_LAMBDAS } from '@techteam/functions/manifest';
import { TITAN_EMBEDDING_MODEL, UNSET_PINECONE_KEY } from '@techteam/shared/memory';
import { Aws, CfnOutput, Duration, Fn, RemovalPolicy, SecretValue, Validations } from 'aws-cdk-lib';
import { ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { CfnVectorBucket } from 'aws-cdk-lib/aws-s3vectors';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ContextInvalid, type DeployContext, type DeployMode } from './deploy-context';
import { wildcardKindsOf } from './function-access';
import { acknowledgeWildcards } from './nag';
import { baseEnvironment, grantDataAccess } from './stacks/workflow-stack';
import { type FunctionNetwork, TechteamFunction } from './techteam-function';
import { TENANT_SERVING } from './tenant-access';
import type { TenantDataRole } from './tenant-data-role';

/** The embedding size every memory user agrees on (the Pinecone index is made with it). */
export const EMBEDDING_DIMENSION = '1024';
/** The Pinecone index's name unless `-c pineconeIndex=…` names another. */
export const DEFAULT_PINECONE_INDEX = 'techteam-memory';

/** The vector actions of each MemoryAccess level (s3vectors, on the stack's bucket's indexes only). */
export const VECTOR_ACTIONS: Record<NonNullable<MemoryAccess['vectors']>, readonly string[]> = {
  delete: ['s3vectors:DeleteVectors'],
  // A query that filters or returns metadata also needs GetVectors.
  read: ['s3vectors:QueryVectors', 's3vectors:GetVectors'],
  // The adapter makes a tenant's index on its first write (shared/memory/s3-vectors-index.ts).
  write: ['s3vectors:PutVectors', 's3vectors:DeleteVectors', 's3vectors:CreateIndex'],
  readWrite: [
    's3vectors:PutVectors',
    's3vectors:DeleteVectors',
    's3vectors:CreateIndex',
    's3vectors:QueryVectors',
    's3vectors:GetVectors',
  ],
};

const INGEST = QUEUE_LAMBDAS.find((l) => l.name === 'IngestDocument');

/** The embedders a stack may use: OpenAI's text-embedding-3-small, or Bedrock's Titan v2. */
export const STACK_EMBEDDERS = ['openai', 'bedrock'] as const;
export type StackEmbedder = (typeof STACK_EMBEDDERS)[number];

/**
 * Which embedder a stack's memory uses, from `-c embedder=…`. Hosted: OpenAI unless the context
 * says bedrock (a stack that would rather keep embeddings in AWS). Deploy-your-own: Titan alone,
 * since no data leaves the account; asking it for openai stops the synth. One embedder per stack,
 * never a fallback at run time: vectors of two models in one index cannot be compared.
 */
export function stackEmbedder(mode: DeployMode, asked: unknown): StackEmbedder {
  if (asked === undefined || asked === '') return mode === 'hosted' ? 'openai' : 'bedrock';
  const valid: readonly StackEmbedder[] = mode === 'hosted' ? STACK_EMBEDDERS : ['bedrock'];
  if (typeof asked !== 'string' || !(valid as readonly string[]).includes(asked))
    throw new ContextInvalid('embedder', asked, valid);
  return asked as StackEmbedder;
}

export interface MemoryProps {
  context: DeployContext;
  table: Table;
  artifacts: IBucket;
  network?: FunctionNetwork;
  alarms: ITopic;
  /** The role ingestion assumes per message's tenant (tenant-data-role.ts), made in the data stack. */
  tenantData: TenantDataRole;
  /** Hosted mode: the provider key secrets by variable name (secrets-stack.ts); OPENAI_API_KEY's is the embedder's key. */
  providerKeys?: Record<string, ISecret>;
}

/**
 * The team's memory on AWS (shared/memory): the ingestion queue (SSE, TLS only, a dead-letter
 * queue) feeding the ingestion Lambda, and the vector index each mode uses: hosted, Pinecone,
 * its API key in a retained Secrets Manager secret read at cold start; deploy-your-own, an S3
 * Vectors bucket in the account (one index per tenant, made by the adapter on the tenant's first
 * write). Hosted embeds with OpenAI's text-embedding-3-small, its key the provider key secret the
 * gateway reads (Titan with `-c embedder=bedrock`); deploy-your-own with Titan. `environment` and `grant` give any other function
 * exactly its `access.memory`.
 */
export class Memory extends Construct {
  readonly queue: Queue;
  readonly deadLetters: Queue;
  readonly ingestion: TechteamFunction;
  /** Hosted mode: the Pinecone API key. */
  readonly pineconeKey: Secret | undefined;
  /** Deploy-your-own: the vector bucket. */
  readonly vectorBucket: CfnVectorBucket | undefined;
  /** Which embedder every memory user is told to use (stackEmbedder). */
  readonly embedder: StackEmbedder;
  /** With the openai embedder: the provider key secret holding OPENAI_API_KEY, read by the embedding users alone. */
  readonly openAIKey: ISecret | undefined;
  private readonly vectorBucketName: string | undefined;

  constructor(scope: Construct, id: string, props: MemoryProps) {
    super(scope, id);
    if (!INGEST) throw new Error('functions/manifest.ts has no IngestDocument queue handler');
    const { context } = props;
    this.embedder = stackEmbedder(context.mode, this.node.tryGetContext('embedder'));
    if (this.embedder === 'openai') {
      this.openAIKey = props.providerKeys?.['OPENAI_API_KEY'];
      if (!this.openAIKey)
        throw new Error(
          'the openai embedder needs the OPENAI_API_KEY provider key secret (secrets-stack.ts)',
        );
    }
    if (context.mode === 'hosted') {
      this.pineconeKey = new Secret(this, 'PINECONE_API_KEY', {
        removalPolicy: RemovalPolicy.RETAIN,
        description:
          'Techteam Pinecone API key (team memory); set it with aws secretsmanager put-secret-value',
        // A marker, not a key: written only at create, so an update never resets the operator's value.
        secretStringValue: SecretValue.unsafePlainText(UNSET_PINECONE_KEY),
      });
      Validations.of(this.pineconeKey).acknowledge({
        id: 'AwsSolutions::AwsSolutions-SMG4',
        reason:
          'The Pinecone API key is issued by Pinecone; it is rolled in the Pinecone console and put here by an operator, so there is no rotation Lambda to run',
      });
      new CfnOutput(this, 'PineconeKeySecretName', {
        description:
          'Put the Pinecone API key here: aws secretsmanager put-secret-value --secret-id <this> --secret-string …',
        value: this.pineconeKey.secretName,
      });
    } else {
      this.vectorBucket = new CfnVectorBucket(this, 'VectorBucket', {
        encryptionConfiguration: { sseType: 'AES256' },
      });
      // The tenants' vectors: kept when the stack goes, like the table.
      this.vectorBucket.applyRemovalPolicy(RemovalPolicy.RETAIN);
      // The ARN is arn:…:s3vectors:<region>:<account>:bucket/<name>.
      this.vectorBucketName = Fn.select(1, Fn.split('/', this.vectorBucket.attrVectorBucketArn));
      new CfnOutput(this, 'VectorBucketName', {
        description: "The S3 Vectors bucket holding each tenant's index",
        value: this.vectorBucketName,
      });
    }

    const timeout = Duration.minutes(5);
    this.deadLetters = new Queue(this, 'IngestionDeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'IngestionQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Six times the function's timeout, as Lambda's SQS guidance asks, so a slow batch is not redelivered mid-run.
      visibilityTimeout: Duration.minutes(30),
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: INGEST.maxReceiveCount },
    });

    const { name, file, access } = INGEST;
    this.ingestion = new TechteamFunction(this, `${name}Function`, {
      handler: { name, file, kind: 'workflow', access },
      mode: context.mode,
      description: `Techteam: chunks, embeds and indexes an uploaded document (functions/${file})`,
      timeout,
      memorySize: 1024,
      environment: {
        ...baseEnvironment(context, access, props.table, props.artifacts, undefined, this),
        ...this.environment(access),
      },
      ...(props.network ? { network: props.network } : {}),
    });
    // Each message is ingested as its tenant (shared/memory/ingestion-batch.ts): no table grant of its own.
    grantDataAccess(this.ingestion, access, props.table, props.artifacts, undefined, {
      name,
      role: props.tenantData,
    });
    this.grant(this.ingestion, access);
    acknowledgeWildcards(this.ingestion, wildcardKindsOf(access, TENANT_SERVING.has(name)));
    this.ingestion.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: INGEST.batchSize,
        // The handler answers batchItemFailures: only the messages that threw are received again.
        reportBatchItemFailures: true,
        // Bounds concurrent ingestions, and with them the embedding calls a burst of uploads makes.
        maxConcurrency: 5,
      }),
    );
    this.deadLetters
      .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' })
      .createAlarm(this, 'IngestionDeadLettersAlarm', {
        alarmDescription:
          'Document ingestions that failed on every receive (see infra/aws/README.md, Alarms)',
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      })
      .addAlarmAction(new SnsAction(props.alarms));
  }

  /** The memory settings of a function with this access (none without `access.memory`). Never lancedb. */
  environment(access: FunctionAccess): Record<string, string> {
    const memory = access.memory;
    if (!memory) return {};
    return {
      TECHTEAM_EMBEDDER: this.embedder,
      TECHTEAM_EMBEDDING_DIMENSION: EMBEDDING_DIMENSION,
      // Read at the first embedding call, so only the users that embed read it (and are granted it).
      ...(this.openAIKey && memory.embed ? { TECHTEAM_OPENAI_KEY_SECRET_ARN: this.openAIKey.secretArn } : {}),
      ...(this.pineconeKey
        ? {
            TECHTEAM_VECTOR_INDEX: 'pinecone',
            TECHTEAM_PINECONE_SECRET_ARN: this.pineconeKey.secretArn,
            TECHTEAM_PINECONE_INDEX:
              (this.node.tryGetContext('pineconeIndex') as string | undefined) ?? DEFAULT_PINECONE_INDEX,
            ...pineconeHost(this),
          }
        : { TECHTEAM_VECTOR_INDEX: 's3vectors', TECHTEAM_S3VECTORS_BUCKET: this.vectorBucketName ?? '' }),
      ...(memory.enqueue ? { TECHTEAM_INGESTION_QUEUE_URL: this.queue.queueUrl } : {}),
    };
  }

  /** Grants exactly `access.memory`: the key secret or the bucket's indexes, the embedder (the OpenAI key's secret, or Titan), the queue. */
  grant(fn: TechteamFunction, access: FunctionAccess): void {
    const memory = access.memory;
    if (!memory) return;
    // Every memory user opens the index, which in hosted mode reads the key at cold start.
    this.pineconeKey?.grantRead(fn);
    if (this.vectorBucket && memory.vectors) {
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: [...VECTOR_ACTIONS[memory.vectors]],
          resources: [`${this.vectorBucket.attrVectorBucketArn}/index/*`],
        }),
      );
    }
    if (memory.embed && this.openAIKey) this.openAIKey.grantRead(fn);
    if (memory.embed && this.embedder === 'bedrock') {
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['bedrock:InvokeModel'],
          resources: [
            `arn:${Aws.PARTITION}:bedrock:${Aws.REGION}::foundation-model/${TITAN_EMBEDDING_MODEL}`,
          ],
        }),
      );
    }
    if (memory.enqueue) this.queue.grantSendMessages(fn);
  }
}

function pineconeHost(scope: Construct): { TECHTEAM_PINECONE_HOST?: string } {
  const host = scope.node.tryGetContext('pineconeHost') as string | undefined;
  return host ? { TECHTEAM_PINECONE_HOST: host } : {};
}
