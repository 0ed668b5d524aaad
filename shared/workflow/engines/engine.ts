import type { WorkflowInput } from '../definition';

/** Where executions of the workflow run: Step Functions on AWS, the ASL interpreter locally. */
export interface WorkflowEngine {
  readonly kind: 'step-functions' | 'local';
  start(input: WorkflowInput): Promise<{ executionId: string }>;
  /** Stops an execution; a stopped execution runs no further state. */
  stop(executionId: string, cause: string): Promise<void>;
  /**
   * Runs a failed or cut-off task again from where it stopped: a new
   * execution whose idempotent states skip what was done.
   */
  resume(input: WorkflowInput): Promise<{ executionId: string }>;
  /** Resumes a run waiting on a task token (an approval) with the given output. */
  sendTaskSuccess(token: string, output: unknown): Promise<void>;
}
