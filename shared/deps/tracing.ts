import type { Tracer } from '@aws-lambda-powertools/tracer';
import { onFirstUse } from './first-use';

/**
 * X-Ray tracing through the Powertools tracer, inert off Lambda: the local host and the tests have
 * no X-Ray daemon, so there nothing is loaded and the work runs as it is. On Lambda (active tracing
 * sets the daemon's address) the tracer is a chunk loaded by the door's first invocation
 * (`startTracing`, see functions/middleware.ts), which then captures every AWS SDK client handed
 * to `traceAwsClient`, and `inSubsegment` wraps model calls and sandbox jobs.
 *
 * Annotations are ids and names only (tenant, task, employee, model, ...): never prompt text,
 * tool output or keys. X-Ray indexes annotations for search, and anyone with trace access reads them.
 */
export interface TraceAnnotations {
  tenant?: string;
  task?: string;
  step?: string;
  employee?: string;
  model?: string;
  provider?: string;
  attempt?: number;
  sandboxTier?: string;
  runtime?: string;
  test?: boolean;
}

/** An AWS SDK v3 client, as the tracer captures it. */
type AwsClient = Parameters<Tracer['captureAWSv3Client']>[0];

/** Whether tracing can do anything here: on Lambda with an X-Ray daemon, and not turned off. */
export function tracingActive(env: Record<string, string | undefined> = process.env): boolean {
  return (
    !!env['AWS_LAMBDA_FUNCTION_NAME'] &&
    !!env['AWS_XRAY_DAEMON_ADDRESS'] &&
    env['POWERTOOLS_TRACE_ENABLED']?.toLowerCase() !== 'false'
  );
}

const untraced: AwsClient[] = [];
let loaded: Tracer | undefined;

const loadTracer = onFirstUse(async () => {
  const { tracer } = await import('./tracer');
  loaded = tracer;
  for (const client of untraced.splice(0)) tracer.captureAWSv3Client(client);
  return tracer;
});

/** Whether the tracer chunk has been loaded in this process (never, off Lambda). */
export function tracerLoaded(): boolean {
  return loaded !== undefined;
}

/**
 * Has the client's calls traced as subsegments once tracing starts (at once when it has started).
 * Costs nothing at init and nothing off Lambda. Returns the client, to wrap a construction.
 */
export function traceAwsClient<C>(client: C): C {
  if (!tracingActive()) return client;
  const c = client as unknown as AwsClient;
  if (loaded) loaded.captureAWSv3Client(c);
  else untraced.push(c);
  return client;
}

/** Loads the tracer on a door's first traced invocation, before its handler makes any AWS call. */
export async function startTracing(): Promise<void> {
  if (tracingActive()) await loadTracer();
}

/**
 * Runs `work` in a subsegment named `name` carrying `annotations` (undefined ones left out), with
 * any error it throws recorded on it. Off Lambda, or with no segment to hang it on, just runs `work`.
 */
export async function inSubsegment<T>(
  name: string,
  annotations: TraceAnnotations,
  work: () => Promise<T>,
): Promise<T> {
  if (!tracingActive()) return work();
  const tracer = await loadTracer();
  const parent = tracer.getSegment();
  if (!parent) return work();
  const subsegment = parent.addNewSubsegment(name);
  for (const [key, value] of Object.entries(annotations))
    if (value !== undefined) subsegment.addAnnotation(key, value);
  tracer.setSegment(subsegment);
  try {
    return await work();
  } catch (e) {
    subsegment.addError(e as Error);
    throw e;
  } finally {
    subsegment.close();
    tracer.setSegment(parent);
  }
}
