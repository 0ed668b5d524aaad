import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import type { Store } from '../store';
import { MemoryNotConfigured } from './errors';
import { memoryFromConfig } from './from-config';
import { loadMemoryConfig, UNSET_PINECONE_KEY } from './memory-config';
import type { VectorIndex } from './vector-index';

const store = {} as Store;

describe('the memory a process builds from its settings', () => {
  it('refuses the local LanceDB index where no local opener is given (a Lambda), naming the variable', async () => {
    const built = memoryFromConfig(loadMemoryConfig({ TECHTEAM_VECTOR_INDEX: 'lancedb' }), store, undefined);
    await expect(built).rejects.toBeInstanceOf(MemoryNotConfigured);
    await expect(built).rejects.toThrow(/TECHTEAM_VECTOR_INDEX is lancedb.*pinecone.*s3vectors/);
  });

  it("opens the local index in the data folder's vectors folder, at the embedder's dimension", async () => {
    const opened: [string, number][] = [];
    const index = { kind: 'lancedb' } as unknown as VectorIndex;
    const { memory, ingestion } = await memoryFromConfig(
      loadMemoryConfig({ TECHTEAM_DATA_DIR: '/data/techteam' }),
      store,
      undefined,
      async (folder, dimension) => {
        opened.push([folder, dimension]);
        return index;
      },
    );
    expect(opened).toEqual([['/data/techteam/vectors', expect.any(Number)]]);
    expect(memory).toBeDefined();
    // No queue URL: documents are ingested in this process.
    expect(ingestion).toBeDefined();
  });

  it("treats the stack's Pinecone secret still holding its UNSET marker as not configured, saying how to put the key", async () => {
    const secrets = mockClient(SecretsManagerClient);
    secrets.on(GetSecretValueCommand).resolves({ SecretString: UNSET_PINECONE_KEY });
    const built = memoryFromConfig(
      loadMemoryConfig({
        TECHTEAM_VECTOR_INDEX: 'pinecone',
        TECHTEAM_PINECONE_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:pinecone-AbCdEf',
        AWS_REGION: 'us-east-1',
      }),
      store,
      undefined,
    );
    await expect(built).rejects.toBeInstanceOf(MemoryNotConfigured);
    await expect(built).rejects.toThrow(
      /TECHTEAM_PINECONE_SECRET_ARN.*no Pinecone key yet.*put-secret-value/,
    );
    secrets.restore();
  });
});
