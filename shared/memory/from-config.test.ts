import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Store } from '../store';
import { MemoryNotConfigured } from './errors';
import { memoryFromConfig } from './from-config';
import { loadMemoryConfig, UNSET_PINECONE_KEY } from './memory-config';
import type { VectorIndex } from './vector-index';

const store = {} as Store;
afterEach(() => vi.unstubAllEnvs());

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

  it("reads the OpenAI key from the stack's provider key secret at the first embedding, never at open", async () => {
    // OpenAI's own SDK against a local server answering /embeddings, to see the key it sends.
    const keys: string[] = [];
    const server = createServer((req, res) => {
      keys.push(String(req.headers['authorization']));
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const { input, dimensions } = JSON.parse(body) as { input: string[]; dimensions: number };
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({
            data: input.map((_, index) => ({ index, embedding: new Array(dimensions).fill(0.5) })),
            usage: { prompt_tokens: 7, total_tokens: 7 },
          }),
        );
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    vi.stubEnv('OPENAI_BASE_URL', `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`);
    const secrets = mockClient(SecretsManagerClient);
    const arn = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:Techteam-OPENAI_API_KEY-AbCdEf';
    secrets.on(GetSecretValueCommand, { SecretId: arn }).resolves({ SecretString: UNSET_PINECONE_KEY });
    try {
      const { memory } = await memoryFromConfig(
        loadMemoryConfig({
          TECHTEAM_EMBEDDER: 'openai',
          TECHTEAM_OPENAI_KEY_SECRET_ARN: arn,
          TECHTEAM_EMBEDDING_DIMENSION: '256',
        }),
        store,
        undefined,
        async () => ({ kind: 'lancedb' }) as unknown as VectorIndex,
      );
      expect(memory.embedderLabel).toBe('openai/text-embedding-3-small');
      expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(0);
      const context = { tenantId: 'acme', taskId: 't1', employeeId: 'researcher' };
      // The stack's marker: the operator has not put the key yet, and the error says which secret.
      await expect(memory.embedder.embed(['a text'], context)).rejects.toThrow(
        /TECHTEAM_OPENAI_KEY_SECRET_ARN.*no OpenAI key yet.*put-secret-value/,
      );
      secrets.on(GetSecretValueCommand, { SecretId: arn }).resolves({ SecretString: 'sk-from-the-secret\n' });
      const [vector] = await memory.embedder.embed(['a text'], context);
      expect(vector).toHaveLength(256);
      expect(keys).toEqual(['Bearer sk-from-the-secret']);
      await memory.embedder.embed(['again'], context);
      // Read once per container, as the gateway's keys are.
      expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    } finally {
      secrets.restore();
      server.close();
    }
  });
});
