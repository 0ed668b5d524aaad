import { InvalidInput, NotFound } from '@techteam/shared/errors';
import { log } from '@techteam/shared/observability';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { taskState } from './task-state';

const context = { awsRequestId: 'req-1', functionName: 'Techteam-Workflow-RunEmployee' } as Context;
const TASK = 'tsk_01JABCDEFGHJKMNPQRSTVWXYZ0';
const TASK2 = 'tsk_01JABCDEFGHJKMNPQRSTVWXYZ1';
const input = { tenantId: 't1', taskId: TASK, stepId: 'implement', round: 2 };

afterEach(() => {
  vi.restoreAllMocks();
  log.resetKeys();
});

/** The JSON lines the logger writes while `fn` runs. */
async function logLines(fn: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const lines: Record<string, unknown>[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
    return true;
  });
  try {
    await fn();
  } finally {
    vi.mocked(process.stdout.write).mockRestore();
  }
  return lines;
}

describe('taskState', () => {
  it("passes the state's input through and returns its output, with the task on every log line", async () => {
    const seen: unknown[] = [];
    const handler = taskState('RunEmployee', async (i) => {
      seen.push(i);
      log.info('working');
      return { stepId: 'implement' };
    });
    let output: unknown;
    const lines = await logLines(async () => {
      output = await handler(input, context);
    });
    expect(output).toEqual({ stepId: 'implement' });
    expect(seen).toEqual([input]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      message: 'working',
      level: 'INFO',
      service: 'techteam',
      function_request_id: 'req-1',
      state: 'RunEmployee',
      tenantId: 't1',
      taskId: TASK,
      stepId: 'implement',
    });
  });

  it('refuses a payload without valid ids, naming the field, before the state runs', async () => {
    const warn = vi.spyOn(log, 'warn').mockImplementation(() => {});
    let ran = false;
    const handler = taskState('StartStep', async () => {
      ran = true;
    });
    const err = await handler({ tenantId: 't1', taskId: 'nope' }, context).catch((e) => e);
    expect(err).toBeInstanceOf(InvalidInput);
    expect(err.message).toMatch(/^Invalid StartStep input: taskId: must look like tsk_<ULID>/);
    expect((await handler(undefined, context).catch((e) => e)).message).toMatch(/StartStep input/);
    expect(ran).toBe(false);
    expect(warn).toHaveBeenCalledTimes(2);
  });

  it('logs an expected failure as a warning and an unexpected one as an error, and throws both on', async () => {
    const warn = vi.spyOn(log, 'warn').mockImplementation(() => {});
    const error = vi.spyOn(log, 'error').mockImplementation(() => {});
    const expected = new NotFound('plan of task', TASK);
    await expect(taskState('StartStep', () => Promise.reject(expected))(input, context)).rejects.toBe(
      expected,
    );
    expect(warn).toHaveBeenCalledWith('StartStep failed', { error: expected });
    const bug = new TypeError('x is undefined');
    await expect(taskState('QAReview', () => Promise.reject(bug))(input, {} as Context)).rejects.toBe(bug);
    expect(error).toHaveBeenCalledWith('QAReview failed', bug);
  });

  it('is a Middy chain like the API door: a middleware added to it runs around the state, which still gets its context', async () => {
    const order: string[] = [];
    let given: Context | undefined;
    const handler = taskState('StartStep', async (_i, c) => {
      given = c;
      order.push('state');
      return 'done';
    }).use({ before: () => void order.push('before'), after: () => void order.push('after') });
    const timed = { ...context, getRemainingTimeInMillis: () => 60_000 } as Context;
    expect(await handler(input, timed)).toBe('done');
    expect(order).toEqual(['before', 'state', 'after']);
    expect(given).toBe(timed);
  });

  it("does not carry one invocation's keys into the next (a warm container runs many)", async () => {
    const say = async () => log.info('step');
    const lines = await logLines(async () => {
      await taskState('StartStep', say)(input, context);
      await taskState('FinalizeTask', say)({ tenantId: 't2', taskId: TASK2 }, context);
    });
    expect(lines[1]).toMatchObject({ state: 'FinalizeTask', tenantId: 't2', taskId: TASK2 });
    expect(lines[1]).not.toHaveProperty('stepId');
  });
});

describe('the door counts budget refusals', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('writes one BudgetRefusals data point (EMF) when a state fails on a budget, on Lambda', async () => {
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', context.functionName);
    const { BudgetExceeded } = await import('@techteam/shared/money');
    const state = taskState('RunEmployee', async () => {
      throw new BudgetExceeded('task', 0, 100, 'gpt-x');
    });
    const lines = await logLines(() => state(input as never, context).catch(() => undefined));
    expect(lines.filter((l) => l['BudgetRefusals'] === 1)).toHaveLength(1);
  });
});
