import { join } from 'node:path';
import * as z from '../zod';
import { MemoryNotConfigured } from './errors';

/** What the hosted stack's Pinecone key secret holds until an operator puts the key (memory stays off). */
export const UNSET_PINECONE_KEY = 'UNSET';

/**
 * Memory's settings, read once from the environment beside the main config (every variable is in
 * the README's configuration table). Unset, memory runs offline: LanceDB on the data folder and
 * the lexical embedder.
 */
export const MemoryConfigSchema = z.object({
  TECHTEAM_DATA_DIR: z._default(z.string().check(z.minLength(1)), '.techteam'),
  TECHTEAM_MODE: z._default(z.enum(['hosted', 'byo']), 'hosted'),
  AWS_REGION: z.optional(z.string()),
  /** lancedb (default, local host), pinecone (hosted), s3vectors (deploy-your-own). */
  TECHTEAM_VECTOR_INDEX: z._default(z.enum(['lancedb', 'pinecone', 's3vectors']), 'lancedb'),
  /** LanceDB's folder; default `<data folder>/vectors`. */
  TECHTEAM_VECTOR_DIR: z.optional(z.string().check(z.minLength(1))),
  /** offline (default, lexical, no key), openai, bedrock (the only one in byo mode). */
  TECHTEAM_EMBEDDER: z._default(z.enum(['offline', 'openai', 'bedrock']), 'offline'),
  TECHTEAM_EMBEDDING_DIMENSION: z.optional(z.enum(['256', '512', '1024'])),
  OPENAI_API_KEY: z.optional(z.string().check(z.minLength(1))),
  /** The provider key secret holding the OpenAI key (the hosted stack's way, read at the first embedding). */
  TECHTEAM_OPENAI_KEY_SECRET_ARN: z.optional(z.string().check(z.startsWith('arn:', 'must be a secret ARN'))),
  BEDROCK_REGION: z.optional(z.string()),
  PINECONE_API_KEY: z.optional(z.string().check(z.minLength(1))),
  /** Secrets Manager secret holding the Pinecone key (the hosted stack's way). */
  TECHTEAM_PINECONE_SECRET_ARN: z.optional(z.string().check(z.startsWith('arn:', 'must be a secret ARN'))),
  TECHTEAM_PINECONE_INDEX: z._default(z.string().check(z.minLength(1)), 'techteam-memory'),
  TECHTEAM_PINECONE_HOST: z.optional(z.url('must be the index host URL')),
  /** Where a missing index is made (serverless): cloud `aws` by default, region the stack's. */
  TECHTEAM_PINECONE_CLOUD: z._default(z.enum(['aws', 'gcp', 'azure']), 'aws'),
  TECHTEAM_PINECONE_REGION: z.optional(z.string().check(z.minLength(1))),
  TECHTEAM_S3VECTORS_BUCKET: z.optional(z.string().check(z.minLength(3))),
  TECHTEAM_S3VECTORS_ENDPOINT: z.optional(z.url()),
  /** The ingestion queue on AWS; unset, the host ingests in-process. */
  TECHTEAM_INGESTION_QUEUE_URL: z.optional(z.url()),
});
export type MemoryConfig = z.infer<typeof MemoryConfigSchema>;

export function loadMemoryConfig(env: Record<string, string | undefined>): MemoryConfig {
  const parsed = MemoryConfigSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new MemoryNotConfigured(String(issue.path[0] ?? 'memory settings'), issue.message);
  }
  const config = parsed.data;
  // Deploy-your-own keeps data in the account: Bedrock embeddings and S3 Vectors only.
  if (config.TECHTEAM_MODE === 'byo' && config.TECHTEAM_EMBEDDER === 'openai')
    throw new MemoryNotConfigured(
      'TECHTEAM_EMBEDDER',
      "is 'openai', but deploy-your-own allows only bedrock",
    );
  if (config.TECHTEAM_MODE === 'byo' && config.TECHTEAM_VECTOR_INDEX === 'pinecone')
    throw new MemoryNotConfigured(
      'TECHTEAM_VECTOR_INDEX',
      "is 'pinecone', but deploy-your-own uses s3vectors",
    );
  return config;
}

export const vectorFolder = (config: MemoryConfig) =>
  config.TECHTEAM_VECTOR_DIR ?? join(config.TECHTEAM_DATA_DIR, 'vectors');
