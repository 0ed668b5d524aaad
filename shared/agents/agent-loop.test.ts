import { describe, expect, it } from 'vitest';
import { EmployeeProfile, type NewTaskEvent, type Task } from '../domain';
import type { ModelMessage, ToolCall, ToolSpec } from '../gateway/types';
import type { Store } from '../store';
import type { EmployeeCall, MeteredResponse, TeamModels } from '../workflow/models';
import {
  CHECKPOINT_RESERVE_MS,
  type FinishTool,
  type LoopState,
  MAX_TURN_INVOCATIONS,
  runAgent,
  TaskStopped,
  type TurnCheckpoints,
} from './agent-loop';
import type { Toolbox, ToolOutcome } from './toolbox';

// The loop's decisions, with small fakes around it: a scripted model that records what it was
// sent, a toolbox that answers from a function, and a store that keeps events. The same loop runs
// through the real host, SDK and MCP tools in infra/local/realistic-model.int.test.ts.

type Scripted = Partial<MeteredResponse> & { toolCalls?: ToolCall[] };

function scriptedModels(script: Scripted[], fallback: Scripted = { text: 'done' }) {
  const calls: EmployeeCall[] = [];
  const models: TeamModels = {
    async complete(call) {
      calls.push(structuredClone({ ...call, signal: undefined, onDelta: undefined }));
      const summarising = call.system?.includes('condense');
      const next = summarising
        ? { text: 'Summary: wrote slugify.py; tests fail on empty input.' }
        : (script.shift() ?? fallback);
      return {
        text: '',
        toolCalls: [],
        stopReason: next.toolCalls?.length ? 'tool_use' : 'end',
        usage: { inputTokens: 10, outputTokens: 10, cachedInputTokens: 0 },
        provider: 'scripted',
        model: 'scripted-1',
        costMicroUsd: 0,
        attempts: 1,
        ...next,
      };
    },
  };
  return { models, calls };
}

function fakeToolbox(run: (call: ToolCall) => ToolOutcome = () => ({ ok: true, output: 'ok' })) {
  const ran: ToolCall[] = [];
  const answered: { call: ToolCall; outcome: ToolOutcome }[] = [];
  const specs: ToolSpec[] = [
    { name: 'workspace_write', description: 'write', inputSchema: { type: 'object' } },
    { name: 'sandbox_test', description: 'test', inputSchema: { type: 'object' } },
  ];
  const toolbox = {
    specs,
    async call(call: ToolCall) {
      ran.push(call);
      return run(call);
    },
    async answer(call: ToolCall, outcome: ToolOutcome) {
      answered.push({ call, outcome });
    },
  } as unknown as Toolbox;
  return { toolbox, ran, answered };
}

function fakeStore() {
  const events: NewTaskEvent[] = [];
  const store = {
    async getTask() {
      return { status: 'running' };
    },
    async appendEvent(_t: string, _k: string, event: NewTaskEvent) {
      events.push(event);
      return event;
    },
  } as unknown as Store;
  return { store, events };
}

const task = { tenantId: 't1', id: 'tsk_1', preference: 'balanced' } as Task;
const profile = EmployeeProfile.parse({
  id: 'dev',
  name: 'Dev',
  rolePrompt: 'You are the Dev.',
  allowedModels: ['scripted-1'],
  defaultModel: 'scripted-1',
  tools: ['workspace.write', 'sandbox.test'],
  maxIterations: 20,
  maxTokensPerStep: 4096,
});

const call = (name: string, args: Record<string, unknown>, id = `c_${name}`): ToolCall => ({
  id,
  name,
  arguments: args,
});

function turn(models: TeamModels, toolbox: Toolbox, store: Store, extra: { finish?: FinishTool } = {}) {
  return { store, models, task, stepId: 'implement', profile, prompt: 'Write slugify.', toolbox, ...extra };
}

const lastMessage = (c: EmployeeCall): ModelMessage => c.messages.at(-1)!;

describe('runAgent', () => {
  it('answers a call whose arguments were cut off, with the limit, and never runs it', async () => {
    const cut: ToolCall = {
      id: 'c1',
      name: 'workspace_write',
      arguments: {},
      invalid: { reason: 'the arguments are not valid JSON', raw: '{"path":"a.py","content":"def' },
    };
    const { models, calls } = scriptedModels([
      { toolCalls: [cut], stopReason: 'max_tokens' },
      { toolCalls: [call('workspace_write', { path: 'a.py', content: 'x = 1' })] },
      { text: 'Wrote a.py.' },
    ]);
    const { toolbox, ran, answered } = fakeToolbox();
    const { store } = fakeStore();
    const outcome = await runAgent(turn(models, toolbox, store));
    expect(outcome).toMatchObject({ text: 'Wrote a.py.', iterations: 3 });
    expect(outcome.stuck).toBeUndefined();
    expect(ran.map((c) => c.arguments)).toEqual([{ path: 'a.py', content: 'x = 1' }]);
    expect(answered[0]?.outcome.output).toMatch(
      /was not run: the arguments are not valid JSON.*cut at 4096 tokens/s,
    );
    const told = lastMessage(calls[1]!);
    expect(told).toMatchObject({ role: 'tool', toolCallId: 'c1', isError: true });
    expect(told.content).toContain('Write smaller pieces');
  });

  it('continues an answer cut at the output limit and returns it whole', async () => {
    const { models, calls } = scriptedModels([
      { text: 'The requirements are: 1. lower', stopReason: 'max_tokens' },
      { text: 'case 2. dashes' },
    ]);
    const { toolbox } = fakeToolbox();
    const outcome = await runAgent(turn(models, toolbox, fakeStore().store));
    expect(outcome.text).toBe('The requirements are: 1. lowercase 2. dashes');
    expect(lastMessage(calls[1]!).content).toMatch(/cut off at the output limit/);
  });

  it('nudges an empty answer once, and gives up with the reason on the second', async () => {
    const first = scriptedModels([{ text: '' }, { text: 'Here is the answer.' }]);
    const outcome = await runAgent(turn(first.models, fakeToolbox().toolbox, fakeStore().store));
    expect(outcome.text).toBe('Here is the answer.');
    expect(lastMessage(first.calls[1]!).content).toMatch(/answer was empty/);

    const second = scriptedModels([{ text: '  ' }, { text: '' }]);
    const { store, events } = fakeStore();
    const stuck = await runAgent(turn(second.models, fakeToolbox().toolbox, store));
    expect(stuck.stuck).toMatch(/nothing, twice/);
    expect(events.at(-1)).toMatchObject({ type: 'employee_stuck', employee: 'dev', stepId: 'implement' });
  });

  it('nudges the third identical call with the same result, and hands over on the fifth', async () => {
    const same = call('sandbox_test', { runtime: 'python' });
    const { models, calls } = scriptedModels([], { text: 'Running the tests.', toolCalls: [same] });
    const { toolbox, ran } = fakeToolbox(() => ({ ok: false, output: '1 failed: test_empty' }));
    const { store, events } = fakeStore();
    const outcome = await runAgent(turn(models, toolbox, store));
    expect(ran).toHaveLength(5);
    expect(outcome.stuck).toMatch(/same sandbox_test call 5 times/);
    expect(outcome.text).toBe('Running the tests.');
    expect(lastMessage(calls[1]!).content).not.toMatch(/From the team/);
    expect(lastMessage(calls[3]!).content).toMatch(/made exactly this call 3 times/);
    expect(events.filter((e) => e.type === 'employee_stuck')).toHaveLength(1);
  });

  it('is not fooled by a call that gets a new result each time', async () => {
    let n = 0;
    const same = call('sandbox_test', { runtime: 'python' });
    const { models } = scriptedModels([
      ...Array.from({ length: 6 }, () => ({ toolCalls: [same] })),
      { text: 'All green.' },
    ]);
    const { toolbox } = fakeToolbox(() => ({ ok: true, output: `${++n} passed` }));
    const outcome = await runAgent(turn(models, toolbox, fakeStore().store));
    expect(outcome).toMatchObject({ text: 'All green.', iterations: 7 });
  });

  it('ends a turn with a finish tool only through it: prose is nudged, bad arguments answered', async () => {
    const finish: FinishTool = {
      spec: { name: 'submit_verdict', description: 'verdict', inputSchema: { type: 'object' } },
      accept: (args) =>
        args.verdict === 'pass' || args.verdict === 'fail'
          ? { ok: true, value: args }
          : { ok: false, problem: "verdict must be 'pass' or 'fail'" },
    };
    const { models, calls } = scriptedModels([
      { text: 'Looks good to me.' },
      { toolCalls: [call('submit_verdict', { verdict: 'maybe', findings: '' })] },
      { text: 'Verdict:', toolCalls: [call('submit_verdict', { verdict: 'pass', findings: 'ok' })] },
    ]);
    const { toolbox } = fakeToolbox();
    const outcome = await runAgent(turn(models, toolbox, fakeStore().store, { finish }));
    expect(outcome.submitted).toEqual({ verdict: 'pass', findings: 'ok' });
    expect(calls[0]!.tools?.map((t) => t.name)).toContain('submit_verdict');
    expect(lastMessage(calls[1]!).content).toMatch(/end your turn by calling submit_verdict/);
    expect(lastMessage(calls[2]!).content).toMatch(/verdict must be 'pass' or 'fail'/);
  });

  it('hands over with the reason when the iterations run out, instead of failing', async () => {
    let n = 0;
    const { models } = scriptedModels([], { toolCalls: [call('sandbox_test', { runtime: 'python' })] });
    const { toolbox } = fakeToolbox(() => ({ ok: true, output: `run ${++n}` }));
    const outcome = await runAgent(turn(models, toolbox, fakeStore().store));
    expect(outcome.stuck).toMatch(/all 20 iterations/);
    expect(outcome.iterations).toBe(20);
  });

  it('does not resend a written file, and marks the prompt head and end for the cache', async () => {
    const big = 'x = 1\n'.repeat(20_000);
    const { models, calls } = scriptedModels([
      { toolCalls: [call('workspace_write', { path: 'big.py', content: big })] },
      { text: 'Done.' },
    ]);
    await runAgent(turn(models, fakeToolbox().toolbox, fakeStore().store));
    const sent = JSON.stringify(calls[1]!.messages);
    expect(sent.length).toBeLessThan(2_000);
    expect(sent).toMatch(/120,000 characters, elided/);
    expect(calls[1]!.messages[0]).toMatchObject({ cache: true });
    expect(calls[1]!.messages.at(-1)).toMatchObject({ cache: true });
  });

  it('condenses the older turns into a summary when the prompt nears the window', async () => {
    // Outputs short enough never to be elided: only a summary makes room.
    const output = Array.from({ length: 60 }, (_, n) => `w${n}`).join(' ');
    const script: Scripted[] = [];
    for (let k = 0; k < 10; k++) {
      script.push({
        toolCalls: [call('sandbox_test', { runtime: 'python', k }, `c${k}`)],
        contextWindow: 2_500,
      });
    }
    script.push({ text: 'Fixed.' });
    const { models, calls } = scriptedModels(script);
    const { toolbox } = fakeToolbox((c) => ({ ok: false, output: `${c.arguments.k}\n${output}` }));
    const { store, events } = fakeStore();
    const small = { ...profile, maxTokensPerStep: 1_000 };
    const outcome = await runAgent({ ...turn(models, toolbox, store), profile: small });
    expect(outcome.text).toBe('Fixed.');
    const summariser = calls.find((c) => c.system?.includes('condense'));
    expect(summariser?.tools).toBeUndefined();
    expect(summariser?.messages[0]?.content).toMatch(/\[you called\] sandbox_test/);
    const condensed = events.find((e) => e.type === 'context_condensed');
    expect(condensed).toMatchObject({ employee: 'dev' });
    const after = calls.at(-1)!;
    expect(after.messages[0]!.content).toMatch(/Your work so far[\s\S]*tests fail on empty input/);
    expect(after.messages[1]!.role).toBe('assistant');
  });

  it("gives each model call a deadline from the invocation's remaining time, keeping the checkpoint's reserve", async () => {
    const { models, calls } = scriptedModels([{ text: 'done' }]);
    const before = Date.now();
    await runAgent({ ...turn(models, fakeToolbox().toolbox, fakeStore().store), remainingMs: () => 600_000 });
    const deadline = calls[0]!.deadline!;
    expect(deadline).toBeGreaterThanOrEqual(before + 600_000 - CHECKPOINT_RESERVE_MS);
    expect(deadline).toBeLessThanOrEqual(Date.now() + 600_000 - CHECKPOINT_RESERVE_MS);
    const { models: untimed, calls: untimedCalls } = scriptedModels([{ text: 'done' }]);
    await runAgent(turn(untimed, fakeToolbox().toolbox, fakeStore().store));
    expect(untimedCalls[0]!.deadline).toBeUndefined();
  });

  describe('a turn that outlives its invocation', () => {
    /** Checkpoints kept in memory (the store's own are tested against DynamoDB Local). */
    function memoryCheckpoints() {
      let saved: LoopState | undefined;
      const checkpoints: TurnCheckpoints = {
        load: async () => (saved ? structuredClone(saved) : undefined),
        save: async (state) => {
          saved = structuredClone(state);
        },
        clear: async () => {
          saved = undefined;
        },
      };
      return { checkpoints, saved: () => saved };
    }
    const writes = (n: number): Scripted[] =>
      Array.from({ length: n }, (_, k) => ({
        toolCalls: [call('workspace_write', { path: `f${k}.py` }, `w${k}`)],
      }));

    it('pauses between two model calls when the time left falls under the margin, then goes on from its checkpoint', async () => {
      const script = [...writes(5), { text: 'Wrote five files.' }];
      const { models, calls } = scriptedModels(script);
      const { toolbox, ran } = fakeToolbox();
      const { store, events } = fakeStore();
      const { checkpoints, saved } = memoryCheckpoints();
      let left = 10_000;
      const counted: TeamModels = {
        complete: async (c) => {
          left -= 3_000;
          return models.complete(c);
        },
      };
      const base = {
        ...turn(counted, toolbox, store),
        checkpoints,
        pauseMarginMs: 2_000,
        remainingMs: () => left,
      };
      const first = await runAgent(base);
      expect(first).toEqual({ text: '', iterations: 3, paused: true });
      expect(saved()?.iteration).toBe(3);
      left = 10_000;
      const second = await runAgent(base);
      expect(second).toMatchObject({ text: 'Wrote five files.', iterations: 6 });
      expect(second.paused).toBeUndefined();
      // Each file written once; the model saw the whole conversation after each pause.
      expect(ran.map((c) => c.arguments['path'])).toEqual(['f0.py', 'f1.py', 'f2.py', 'f3.py', 'f4.py']);
      expect(calls).toHaveLength(6);
      expect(calls[3]!.messages.filter((m) => m.role === 'tool')).toHaveLength(3);
      expect(events.filter((e) => e.type === 'message')).toHaveLength(1);
      expect(saved()).toBeUndefined();
    });

    it('after a crash mid-call, reruns only the call in flight, not the turns before it', async () => {
      const { models, calls } = scriptedModels([...writes(4), { text: 'Done.' }]);
      let crashAt: number | undefined = 3;
      const crashing: TeamModels = {
        complete: async (c) => {
          if (calls.length === crashAt) {
            crashAt = undefined;
            throw new Error('the Lambda was killed');
          }
          return models.complete(c);
        },
      };
      const { toolbox, ran } = fakeToolbox();
      const { store } = fakeStore();
      const { checkpoints } = memoryCheckpoints();
      const base = { ...turn(crashing, toolbox, store), checkpoints };
      await expect(runAgent(base)).rejects.toThrow('killed');
      const outcome = await runAgent(base);
      expect(outcome).toMatchObject({ text: 'Done.', iterations: 5 });
      expect(ran.map((c) => c.arguments['path'])).toEqual(['f0.py', 'f1.py', 'f2.py', 'f3.py']);
      expect(calls).toHaveLength(5);
    });

    it(`gives up, saying why, when ${MAX_TURN_INVOCATIONS} invocations were not enough`, async () => {
      const { models } = scriptedModels(writes(50));
      const { toolbox } = fakeToolbox();
      const { store } = fakeStore();
      const { checkpoints } = memoryCheckpoints();
      const base = {
        ...turn(models, toolbox, store),
        checkpoints,
        pauseMarginMs: 2_000,
        remainingMs: () => 1_000,
      };
      const outcomes = [];
      for (let n = 0; n < MAX_TURN_INVOCATIONS; n++) outcomes.push(await runAgent(base));
      expect(outcomes.slice(0, -1).every((o) => o.paused)).toBe(true);
      expect(outcomes.at(-1)).toMatchObject({
        stuck: `it ran out of time: ${MAX_TURN_INVOCATIONS} invocations without finishing`,
      });
    });
  });

  describe('a cancel', () => {
    /** A model that sees the task cancelled while it answers (the cancel lands mid-call), then answers anyway. */
    function cancelledMidCall(cancel: AbortController, answer: Scripted | Error): TeamModels {
      return {
        async complete() {
          cancel.abort();
          if (answer instanceof Error) throw answer;
          return {
            text: '',
            toolCalls: [],
            stopReason: 'end',
            usage: { inputTokens: 1, outputTokens: 1, cachedInputTokens: 0 },
            provider: 'scripted',
            model: 'scripted-1',
            costMicroUsd: 0,
            attempts: 1,
            ...answer,
          };
        },
      };
    }

    it('records nothing the model said after it and runs none of its calls', async () => {
      const cancel = new AbortController();
      const models = cancelledMidCall(cancel, {
        text: 'Writing the files now.',
        toolCalls: [call('workspace_write', { path: 'a.py', content: 'x' }), call('sandbox_test', {})],
        stopReason: 'tool_use',
      });
      const { toolbox, ran, answered } = fakeToolbox();
      const { store, events } = fakeStore();
      await expect(
        runAgent({ ...turn(models, toolbox, store), signal: cancel.signal }),
      ).rejects.toBeInstanceOf(TaskStopped);
      expect(events).toEqual([]);
      expect(ran).toEqual([]);
      expect(answered).toEqual([]);
    });

    it('ends a turn whose final answer came after it, instead of handing that answer on', async () => {
      const cancel = new AbortController();
      const models = cancelledMidCall(cancel, { text: 'All done, tests pass.' });
      const { toolbox } = fakeToolbox();
      const { store, events } = fakeStore();
      await expect(
        runAgent({ ...turn(models, toolbox, store), signal: cancel.signal }),
      ).rejects.toBeInstanceOf(TaskStopped);
      expect(events).toEqual([]);
    });

    it('ends the turn as TaskStopped when the aborted model call fails, whatever its provider threw', async () => {
      const cancel = new AbortController();
      const models = cancelledMidCall(
        cancel,
        Object.assign(new Error('Request was aborted.'), { name: 'APIUserAbortError' }),
      );
      await expect(
        runAgent({ ...turn(models, fakeToolbox().toolbox, fakeStore().store), signal: cancel.signal }),
      ).rejects.toBeInstanceOf(TaskStopped);
    });

    it('stops before the next queued call when it lands during a tool call', async () => {
      const cancel = new AbortController();
      const { models } = scriptedModels([
        {
          toolCalls: [
            call('workspace_write', { path: 'a.py', content: 'x' }, 'c1'),
            call('sandbox_test', {}, 'c2'),
          ],
        },
      ]);
      const { toolbox, ran } = fakeToolbox(() => {
        cancel.abort();
        return { ok: true, output: 'written' };
      });
      await expect(
        runAgent({ ...turn(models, toolbox, fakeStore().store), signal: cancel.signal }),
      ).rejects.toBeInstanceOf(TaskStopped);
      expect(ran.map((c) => c.id)).toEqual(['c1']);
    });
  });
});
