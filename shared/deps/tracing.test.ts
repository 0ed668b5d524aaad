import { createSocket, type Socket } from 'node:dgram';
import { S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ModelProvider, ModelRequest } from '../gateway/types';

/** A fresh copy of tracing.ts (and of the tracer it may load), read under the environment stubbed first. */
async function freshTracing() {
  vi.resetModules();
  return import('./tracing');
}

afterEach(() => {
  vi.unstubAllEnvs();
});

const hasXrayMiddleware = (client: S3Client) =>
  client.middlewareStack.identify().some((name) => name.startsWith('XRaySDKInstrumentation'));

describe('tracing off Lambda (the local host, tests)', () => {
  it('is inert: the work runs as it is, no tracer is loaded, no client is instrumented', async () => {
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', '');
    vi.stubEnv('AWS_XRAY_DAEMON_ADDRESS', '');
    const tracing = await freshTracing();
    expect(tracing.tracingActive()).toBe(false);
    const client = tracing.traceAwsClient(new S3Client({ region: 'eu-west-1' }));
    await tracing.startTracing();
    const answer = await tracing.inSubsegment('model call', { tenant: 't1' }, async () => 42);
    expect(answer).toBe(42);
    await expect(
      tracing.inSubsegment('sandbox job', {}, async () => {
        throw new Error('job failed');
      }),
    ).rejects.toThrow('job failed');
    expect(tracing.tracerLoaded()).toBe(false);
    expect(hasXrayMiddleware(client)).toBe(false);
  });

  it('stays off on Lambda when POWERTOOLS_TRACE_ENABLED=false', async () => {
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'fn');
    vi.stubEnv('AWS_XRAY_DAEMON_ADDRESS', '127.0.0.1:2000');
    vi.stubEnv('POWERTOOLS_TRACE_ENABLED', 'false');
    expect((await freshTracing()).tracingActive()).toBe(false);
  });
});

/** A stand-in X-Ray daemon on loopback: the UDP documents the SDK sends, parsed. */
async function fakeDaemon(): Promise<{
  socket: Socket;
  address: string;
  documents: Record<string, unknown>[];
}> {
  const socket = createSocket('udp4');
  const documents: Record<string, unknown>[] = [];
  socket.on('message', (buffer) => {
    const [, body] = buffer.toString('utf8').split('\n');
    if (body) documents.push(JSON.parse(body) as Record<string, unknown>);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { socket, address: `127.0.0.1:${socket.address().port}`, documents };
}

describe('tracing on Lambda, against a stand-in X-Ray daemon', () => {
  it('sends a subsegment per model call with its ids as annotations, never the prompt; captures the SDK clients', async () => {
    const daemon = await fakeDaemon();
    try {
      vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'RunEmployee');
      vi.stubEnv('AWS_EXECUTION_ENV', 'AWS_Lambda_nodejs20.x');
      vi.stubEnv('LAMBDA_TASK_ROOT', '/var/task');
      vi.stubEnv('AWS_XRAY_DAEMON_ADDRESS', daemon.address);
      vi.stubEnv('AWS_XRAY_CONTEXT_MISSING', 'IGNORE_ERROR');
      vi.stubEnv(
        '_X_AMZN_TRACE_ID',
        'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
      );
      const tracing = await freshTracing();
      expect(tracing.tracingActive()).toBe(true);
      const early = tracing.traceAwsClient(new S3Client({ region: 'eu-west-1' }));
      expect(tracing.tracerLoaded()).toBe(false);
      await tracing.startTracing();
      expect(tracing.tracerLoaded()).toBe(true);
      expect(hasXrayMiddleware(early)).toBe(true);
      expect(hasXrayMiddleware(tracing.traceAwsClient(new S3Client({ region: 'eu-west-1' })))).toBe(true);

      // A model call through the gateway's traced providers (team-gateway.ts), as RunEmployee makes it.
      const { withTracedCalls } = await import('./team-gateway');
      const provider: ModelProvider = {
        name: 'bedrock',
        complete: async (request: ModelRequest) => ({
          provider: 'bedrock',
          model: request.model,
          text: `answer to ${request.messages.length} message(s)`,
          toolCalls: [],
          usage: { inputTokens: 10, outputTokens: 2, cachedInputTokens: 0 },
          stopReason: 'end' as const,
        }),
      };
      const traced = withTracedCalls(new Map([['bedrock', provider]])).get('bedrock')!;
      const response = await traced.complete({
        model: 'us.anthropic.claude-sonnet',
        system: 'SECRET SYSTEM PROMPT',
        messages: [{ role: 'user', content: 'SECRET PROMPT TEXT sk-live-123' }],
        maxOutputTokens: 100,
        context: { tenantId: 'tnt_1', taskId: 'tsk_1', stepId: 's1', employeeId: 'dev' },
      } as ModelRequest);
      expect(response.text).toBe('answer to 1 message(s)');
      await tracing
        .inSubsegment('sandbox job', { task: 'tsk_1', sandboxTier: 'fargate', test: true }, async () => {
          throw new Error('runner gone');
        })
        .catch(() => undefined);

      const deadline = Date.now() + 5_000;
      while (daemon.documents.length < 2 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      const byName = new Map(daemon.documents.map((d) => [d['name'], d]));
      expect(byName.get('model call')).toMatchObject({
        type: 'subsegment',
        trace_id: '1-5759e988-bd862e3fe1be46a994272793',
        parent_id: '53995c3f42cd8ad8',
        annotations: {
          tenant: 'tnt_1',
          task: 'tsk_1',
          step: 's1',
          employee: 'dev',
          model: 'us.anthropic.claude-sonnet',
          provider: 'bedrock',
        },
      });
      expect(byName.get('sandbox job')).toMatchObject({
        annotations: { task: 'tsk_1', sandboxTier: 'fargate', test: true },
        fault: true,
      });
      expect(JSON.stringify(daemon.documents)).not.toMatch(/SECRET|sk-live/);
    } finally {
      daemon.socket.close();
    }
  });
});
