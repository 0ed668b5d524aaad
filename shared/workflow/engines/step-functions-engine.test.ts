import {
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { StepFunctionsEngine } from './step-functions-engine';

const sfn = mockClient(SFNClient);
const arn = 'arn:aws:states:eu-west-1:123456789012:stateMachine:techteam';

describe('StepFunctionsEngine', () => {
  beforeEach(() => sfn.reset());

  it('starts one execution named after the task, with an ids-only input', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${arn}:tsk_1`, startDate: new Date() });
    const engine = new StepFunctionsEngine(new SFNClient({ region: 'eu-west-1' }), arn);
    const { executionId } = await engine.start({ tenantId: 'acme', taskId: 'tsk_1' });
    expect(executionId).toBe(`${arn}:tsk_1`);
    const call = sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input;
    expect(call).toEqual({
      stateMachineArn: arn,
      name: 'tsk_1',
      input: '{"tenantId":"acme","taskId":"tsk_1"}',
    });
  });

  it('stops an execution, and treats one that already ended as stopped', async () => {
    const engine = new StepFunctionsEngine(new SFNClient({ region: 'eu-west-1' }), arn);
    sfn
      .on(StopExecutionCommand)
      .resolvesOnce({ stopDate: new Date() })
      .rejectsOnce(Object.assign(new Error('gone'), { name: 'ExecutionDoesNotExist' }))
      .rejectsOnce(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    await engine.stop(`${arn}:tsk_1`, 'cancelled by request');
    expect(sfn.commandCalls(StopExecutionCommand)[0]!.args[0].input).toEqual({
      executionArn: `${arn}:tsk_1`,
      cause: 'cancelled by request',
    });
    await expect(engine.stop(`${arn}:tsk_2`, 'x')).resolves.toBeUndefined();
    await expect(engine.stop(`${arn}:tsk_3`, 'x')).rejects.toThrow('denied');
  });

  it('resumes a task with a new execution named after it, and answers a task token with its output', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${arn}:tsk_1-resume-x`, startDate: new Date() });
    sfn.on(SendTaskSuccessCommand).resolves({});
    const engine = new StepFunctionsEngine(new SFNClient({ region: 'eu-west-1' }), arn);
    const out = await engine.resume({ tenantId: 'acme', taskId: 'tsk_1' });
    expect(out.executionId).toBe(`${arn}:tsk_1-resume-x`);
    const started = sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input;
    expect(started.name).toMatch(/^tsk_1-resume-[0-9A-Z]{26}$/);
    expect(started.name!.length).toBeLessThanOrEqual(80);
    expect(started.input).toBe('{"tenantId":"acme","taskId":"tsk_1"}');
    await engine.sendTaskSuccess('token-1', { decision: 'approved' });
    expect(sfn.commandCalls(SendTaskSuccessCommand)[0]!.args[0].input).toEqual({
      taskToken: 'token-1',
      output: '{"decision":"approved"}',
    });
  });
});
