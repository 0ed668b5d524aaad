import type { UsageMeter } from '../gateway';
import type { Store } from '../store';
import { actAsTenant } from '../store/acting-tenant';
import type { Embedder } from './embedder';
import { MemoryNotConfigured } from './errors';
import { InProcessIngestion } from './in-process-ingestion';
import { type MemoryConfig, UNSET_PINECONE_KEY, vectorFolder } from './memory-config';
import { MeteredEmbedder } from './metered-embedder';
import { OfflineEmbedder } from './offline-embedder';
import { type IngestionQueue, TeamMemory } from './team-memory';
import { heldToActingTenant, type VectorIndex } from './vector-index';

async function embedderFrom(config: MemoryConfig): Promise<Embedder> {
  const dimension = Number(config.TECHTEAM_EMBEDDING_DIMENSION ?? 1024) as 256 | 512 | 1024;
  switch (config.TECHTEAM_EMBEDDER) {
    case 'offline':
      return new OfflineEmbedder();
    case 'openai': {
      const { OpenAIEmbedder } = await import('./openai-embedder');
      if (config.OPENAI_API_KEY) return new OpenAIEmbedder({ apiKey: config.OPENAI_API_KEY, dimension });
      const arn = config.TECHTEAM_OPENAI_KEY_SECRET_ARN;
      // A function that only lists or deletes has no key and is never asked for one.
      if (!arn) {
        return new OpenAIEmbedder({
          apiKey: () =>
            Promise.reject(
              new MemoryNotConfigured(
                'OPENAI_API_KEY',
                'is not set, nor TECHTEAM_OPENAI_KEY_SECRET_ARN (TECHTEAM_EMBEDDER=openai)',
              ),
            ),
          dimension,
        });
      }
      return new OpenAIEmbedder({
        apiKey: () => secretKey(arn, 'TECHTEAM_OPENAI_KEY_SECRET_ARN', 'OpenAI'),
        dimension,
      });
    }
    case 'bedrock': {
      const { BedrockTitanEmbedder } = await import('./bedrock-embedder');
      const { BedrockRuntimeClient } = await import('@aws-sdk/client-bedrock-runtime');
      const region = config.BEDROCK_REGION ?? config.AWS_REGION;
      return new BedrockTitanEmbedder(new BedrockRuntimeClient(region ? { region } : {}), { dimension });
    }
  }
}

/**
 * A key kept in Secrets Manager. The stack's marker (UNSET, the same for the Pinecone secret and
 * the provider key secrets) or an empty value is a key the operator has not put yet.
 */
async function secretKey(arn: string, variable: string, what: string): Promise<string> {
  const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  const out = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: arn }));
  const value = out.SecretString?.trim();
  if (!value || value === UNSET_PINECONE_KEY)
    throw new MemoryNotConfigured(
      variable,
      `names a secret with no ${what} key yet (put it with aws secretsmanager put-secret-value)`,
    );
  return value;
}

async function pineconeKey(config: MemoryConfig): Promise<string> {
  if (config.PINECONE_API_KEY) return config.PINECONE_API_KEY;
  const arn = config.TECHTEAM_PINECONE_SECRET_ARN;
  if (!arn) throw new MemoryNotConfigured('PINECONE_API_KEY', 'is not set, nor TECHTEAM_PINECONE_SECRET_ARN');
  return secretKey(arn, 'TECHTEAM_PINECONE_SECRET_ARN', 'Pinecone');
}

/**
 * Opens the index in a folder on this machine (LanceDB on the local host). Passed in, not
 * imported here, so that no Lambda bundle carries LanceDB's native engine: on AWS the index is
 * Pinecone or S3 Vectors.
 */
export type LocalIndexOpener = (folder: string, dimension: number) => Promise<VectorIndex>;

async function indexFrom(
  config: MemoryConfig,
  dimension: number,
  embedderName: string,
  openLocal: LocalIndexOpener | undefined,
): Promise<VectorIndex> {
  switch (config.TECHTEAM_VECTOR_INDEX) {
    case 'lancedb': {
      if (!openLocal)
        throw new MemoryNotConfigured(
          'TECHTEAM_VECTOR_INDEX',
          'is lancedb, the local host’s index; in AWS set pinecone (hosted) or s3vectors (deploy-your-own)',
        );
      return openLocal(vectorFolder(config), dimension);
    }
    case 'pinecone': {
      const [{ Pinecone }, { PineconeIndex }] = await Promise.all([
        import('@pinecone-database/pinecone'),
        import('./pinecone-index'),
      ]);
      const client = new Pinecone({ apiKey: await pineconeKey(config) });
      const index = new PineconeIndex(client, {
        name: config.TECHTEAM_PINECONE_INDEX,
        ...(config.TECHTEAM_PINECONE_HOST ? { host: config.TECHTEAM_PINECONE_HOST } : {}),
      });
      // Once per cold start: made on first use, refused when its dimension is not the embedder's.
      await index.ensure(dimension, {
        embedder: embedderName,
        cloud: config.TECHTEAM_PINECONE_CLOUD,
        region: config.TECHTEAM_PINECONE_REGION ?? config.AWS_REGION ?? 'us-east-1',
      });
      return index;
    }
    case 's3vectors': {
      const bucket = config.TECHTEAM_S3VECTORS_BUCKET;
      if (!bucket)
        throw new MemoryNotConfigured(
          'TECHTEAM_S3VECTORS_BUCKET',
          'is not set (TECHTEAM_VECTOR_INDEX=s3vectors)',
        );
      const [{ S3VectorsClient }, { S3VectorsIndex }] = await Promise.all([
        import('@aws-sdk/client-s3vectors'),
        import('./s3-vectors-index'),
      ]);
      const client = new S3VectorsClient({
        ...(config.AWS_REGION ? { region: config.AWS_REGION } : {}),
        ...(config.TECHTEAM_S3VECTORS_ENDPOINT ? { endpoint: config.TECHTEAM_S3VECTORS_ENDPOINT } : {}),
      });
      return new S3VectorsIndex(client, bucket, dimension);
    }
  }
}

/**
 * The team's memory for this process, from its settings: the embedder, the index, and the
 * ingestion queue (SQS when a queue URL is set, else in this process). `openLocal` is given by
 * the local host only (see LocalIndexOpener).
 */
export async function memoryFromConfig(
  config: MemoryConfig,
  store: Store,
  meter: UsageMeter | undefined,
  openLocal?: LocalIndexOpener,
): Promise<{ memory: TeamMemory; ingestion?: InProcessIngestion }> {
  const embedder = await embedderFrom(config);
  const index = heldToActingTenant(
    await indexFrom(config, embedder.dimension, `${embedder.provider}/${embedder.model}`, openLocal),
  );
  let queue: IngestionQueue;
  let ingestion: InProcessIngestion | undefined;
  if (config.TECHTEAM_INGESTION_QUEUE_URL) {
    const { SqsIngestionQueue } = await import('./sqs-ingestion');
    queue = new SqsIngestionQueue(config.TECHTEAM_INGESTION_QUEUE_URL, config.AWS_REGION);
  } else {
    ingestion = new InProcessIngestion();
    queue = ingestion;
  }
  const memory = new TeamMemory(store, index, new MeteredEmbedder(embedder, meter), queue);
  // The local host's worker acts as each job's tenant, as the ingestion Lambda does (ingestion-batch.ts).
  ingestion?.attach((job) => actAsTenant(job.tenantId, () => memory.ingest(job)));
  return { memory, ...(ingestion ? { ingestion } : {}) };
}
