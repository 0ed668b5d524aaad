import OpenAI from 'openai';
import { afterAll, describe, expect, it } from 'vitest';
import { BASELINE_SYSTEM, baselinePrompt, type HumanEvalProblem, teamPrompt } from '../eval';
import { startScriptedTeam, TeamScript } from './humaneval-team-server';

const problems: HumanEvalProblem[] = [0, 1, 2, 3].map((i) => ({
  task_id: `HumanEval/${i}`,
  prompt: `def f${i}(x):\n    """Return x plus ${i}."""\n`,
  entry_point: `f${i}`,
  canonical_solution: `    return x + ${i}\n`,
  test: `def check(candidate):\n    assert candidate(1) == ${1 + i}\n`,
}));
const tool = (name: string) => ({ type: 'function', function: { name, parameters: {} } });
const user = (i: number) => ({
  role: 'user',
  content: `Step: implement\nThe whole task: ${teamPrompt(problems[i]!)}`,
});
const passedTests = {
  role: 'tool',
  tool_call_id: 'c1',
  content: 'exit code 0 (bwrap, 80 ms)\ntests: 1 passed',
};
const ranTests = {
  role: 'assistant',
  content: null,
  tool_calls: [{ id: 'c1', function: { name: 'sandbox_test' } }],
};

describe('the scripted team reads who is asking from the request', () => {
  const oracle = new TeamScript(problems, 'oracle');

  it('plans one dev step through json_object, json_schema (submit_plan) or a submit_plan tool', () => {
    for (const response_format of [
      { type: 'json_object' },
      { type: 'json_schema', json_schema: { name: 'submit_plan', schema: {} } },
    ]) {
      const answer = oracle.answer({ messages: [user(1)], response_format });
      expect(JSON.parse(answer.text!).steps).toEqual([
        expect.objectContaining({ employee: 'dev', dependsOn: [] }),
      ]);
    }
    const forced = oracle.answer({ messages: [user(1)], tools: [tool('submit_plan')] });
    expect(forced.toolCalls?.[0]?.name).toBe('submit_plan');
  });

  it('as Dev writes solution.py and a test, runs them, then reports', () => {
    const tools = [tool('workspace_write'), tool('sandbox_test')];
    const system = { role: 'system', content: 'You are the Dev.' };
    const first = oracle.answer({ messages: [system, user(2)], tools });
    expect(first.toolCalls?.map((c) => [c.name, JSON.parse(c.arguments).path])).toEqual([
      ['workspace_write', 'solution.py'],
      ['workspace_write', 'test_solution.py'],
    ]);
    expect(JSON.parse(first.toolCalls![0]!.arguments).content).toBe(
      problems[2]!.prompt + problems[2]!.canonical_solution,
    );
    const wrote = {
      role: 'assistant',
      content: null,
      tool_calls: [{ function: { name: 'workspace_write' } }],
    };
    expect(oracle.answer({ messages: [system, user(2), wrote], tools }).toolCalls?.[0]?.name).toBe(
      'sandbox_test',
    );
    expect(oracle.answer({ messages: [system, user(2), wrote, ranTests], tools }).text).toMatch(
      /solution\.py/,
    );
  });

  it('as QA submits its verdict through submit_verdict when offered, else ends with the verdict JSON', () => {
    const system = { role: 'system', content: 'You are QA. Review the work.' };
    const withTool = oracle.answer({
      messages: [system, user(0), ranTests, passedTests],
      tools: [tool('sandbox_test'), tool('submit_verdict')],
    });
    expect(withTool.toolCalls?.[0]?.name).toBe('submit_verdict');
    expect(JSON.parse(withTool.toolCalls![0]!.arguments)).toMatchObject({ verdict: 'pass' });
    const failing = { ...passedTests, content: 'Error: exit code 1 (bwrap)\ntests: 0 passed, 1 failed' };
    const text = oracle.answer({
      messages: [system, user(0), ranTests, failing],
      tools: [tool('sandbox_test')],
    });
    expect(text.text).toMatch(/\{"verdict":"fail"/);
  });

  it('half-wrong gets odd problems wrong; misbehaving sends arguments that are not JSON, cut at max_tokens', () => {
    const halfWrong = new TeamScript(problems, 'half-wrong');
    const baseline = (i: number) => ({
      messages: [
        { role: 'system', content: BASELINE_SYSTEM },
        { role: 'user', content: baselinePrompt(problems[i]!) },
      ],
    });
    expect(halfWrong.answer(baseline(0)).text).toContain('return x + 0');
    expect(halfWrong.answer(baseline(1)).text).toContain('raise NotImplementedError');
    const malformed = new TeamScript(problems, 'misbehaving').answer({
      messages: [{ role: 'system', content: 'You are the Dev.' }, user(3)],
      tools: [tool('workspace_write')],
    });
    expect(malformed.finishReason).toBe('length');
    expect(() => JSON.parse(malformed.toolCalls![0]!.arguments)).toThrow();
  });
});

describe('the scripted team over HTTP', () => {
  const server = startScriptedTeam(problems, 'oracle');
  afterAll(async () => (await server).close());

  it('answers the real openai SDK, whole and streamed', async () => {
    const client = new OpenAI({ apiKey: 'none', baseURL: (await server).url, maxRetries: 0 });
    const body = {
      model: 'scripted-team',
      messages: [
        { role: 'system' as const, content: 'You are the Dev.' },
        user(1) as { role: 'user'; content: string },
      ],
      tools: [tool('workspace_write')] as OpenAI.ChatCompletionTool[],
    };
    const whole = await client.chat.completions.create(body);
    expect(
      whole.choices[0]?.message.tool_calls?.map((c) => c.type === 'function' && c.function.name),
    ).toEqual(['workspace_write', 'workspace_write']);
    const stream = await client.chat.completions.create({ ...body, stream: true });
    const args: string[] = [];
    for await (const chunk of stream) {
      for (const call of chunk.choices[0]?.delta.tool_calls ?? []) {
        args[call.index] = (args[call.index] ?? '') + (call.function?.arguments ?? '');
      }
    }
    expect(args.map((a) => JSON.parse(a).path)).toEqual(['solution.py', 'test_solution.py']);
  });
});
