import {
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { newUlid } from '../../store/ids';
import type { WorkflowInput } from '../definition';
import type { WorkflowEngine } from './engine';

/** The AWS engine: one Step Functions execution per task, named after the task so a retry cannot start two. */
export class StepFunctionsEngine implements WorkflowEngine {
  readonly kind = 'step-functions' as const;
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async start(input: WorkflowInput): Promise<{ executionId: string }> {
    const out = await this.client.send(
      new StartExecutionCommand({
        stateMachineArn: this.stateMachineArn,
        name: input.taskId,
        input: JSON.stringify(input),
      }),
    );
    return { executionId: out.executionArn! };
  }

  /**
   * A new execution, named after the task and the attempt. Not RedriveExecution:
   * every failure is caught into MarkTaskFailed and ends in the `Failed` state, and
   * a redrive restarts at that state. The states are idempotent, so a new run
   * skips what is done.
   */
  async resume(input: WorkflowInput): Promise<{ executionId: string }> {
    const out = await this.client.send(
      new StartExecutionCommand({
        stateMachineArn: this.stateMachineArn,
        name: `${input.taskId}-resume-${newUlid()}`,
        input: JSON.stringify(input),
      }),
    );
    return { executionId: out.executionArn! };
  }

  async sendTaskSuccess(token: string, output: unknown): Promise<void> {
    await this.client.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) }));
  }

  async stop(executionId: string, cause: string): Promise<void> {
    try {
      await this.client.send(
        new StopExecutionCommand({ executionArn: executionId, cause: cause.slice(0, 32_000) }),
      );
    } catch (e) {
      // Stopping an execution that already ended is not an error for a cancel.
      if ((e as Error).name !== 'ExecutionDoesNotExist' && (e as Error).name !== 'ExecutionAlreadyStopped')
        throw e;
    }
  }
}

/** The engine over a new client; `wrap` may instrument the client (the runtime's X-Ray capture). */
export function stepFunctionsEngine(
  stateMachineArn: string,
  region?: string,
  wrap: (client: SFNClient) => SFNClient = (client) => client,
): StepFunctionsEngine {
  return new StepFunctionsEngine(wrap(new SFNClient(region ? { region } : {})), stateMachineArn);
}
