import type { ServerResponse } from 'node:http';
import type { HumanEvalProblem } from '../eval/humaneval';
import {
  type FakeOpenAIReply,
  type RecordedRequest,
  respondOpenAI,
  type ScriptedServer,
  startScriptedHttpServer,
  writeJson,
} from './fake-openai-server';

/**
 * An OpenAI-compatible server that plays the whole team for HumanEval problems,
 * deciding each answer from the request it sees (who is asking, and how far the
 * conversation got), so the real `openai` SDK, gateway, agent loop, tools, sandbox
 * and workflow all run as in production:
 *
 * - the planner (`response_format`, or a `submit_plan` tool) → a plan with one dev step;
 * - Dev (tools include `workspace_write`) → writes solution.py and a test, runs the tests, reports;
 * - QA (a `submit_verdict` tool, or the QA role prompt) → runs the tests, then submits a verdict
 *   through `submit_verdict` when offered, else ends its answer with the verdict JSON;
 * - the baseline (the eval's one-call system prompt) → one fenced code block;
 * - anything else (the synthesis) → a short summary.
 *
 * Personalities: `oracle` writes the canonical solution; `half-wrong` writes a wrong one (with
 * tests that pass against it) for every odd-numbered problem; `misbehaving` plays Dev, QA and the
 * baseline badly, one way per problem (empty answers, answers cut at max_tokens, the same failing
 * call again and again, tool-call arguments that are not JSON).
 */
export type TeamPersonality = 'oracle' | 'half-wrong' | 'misbehaving';

export const MISBEHAVIOURS = ['empty', 'cut-off', 'repeats', 'malformed'] as const;
export type Misbehaviour = (typeof MISBEHAVIOURS)[number];

interface Answer {
  text?: string;
  toolCalls?: { name: string; arguments: string }[];
  finishReason?: string;
}

interface WireMessage {
  role: string;
  content?: unknown;
  tool_calls?: { function?: { name?: string } }[];
}

const textOf = (content: unknown): string =>
  typeof content === 'string'
    ? content
    : Array.isArray(content)
      ? content.map((p) => (typeof p === 'object' && p && 'text' in p ? String(p.text) : '')).join('')
      : '';

/** The problem's number ("HumanEval/7" → 7), the basis of every deterministic choice here. */
export function problemNumber(problem: HumanEvalProblem, index: number): number {
  const m = /(\d+)$/.exec(problem.task_id);
  return m ? Number(m[1]) : index;
}

/** Whether the half-wrong personality gets this problem wrong: every odd-numbered one. */
export const halfWrongMisses = (problem: HumanEvalProblem, index = 0) =>
  problemNumber(problem, index) % 2 === 1;

/** The misbehaviour the misbehaving personality plays on a problem. */
export const misbehaviourOf = (problem: HumanEvalProblem, index = 0): Misbehaviour =>
  MISBEHAVIOURS[problemNumber(problem, index) % MISBEHAVIOURS.length]!;

const call = (name: string, args: Record<string, unknown>) => ({ name, arguments: JSON.stringify(args) });

export class TeamScript {
  constructor(
    private readonly problems: HumanEvalProblem[],
    private readonly personality: TeamPersonality,
  ) {}

  /** The problem a conversation is about: the one whose whole prompt it quotes (the longest, if several). */
  private problemIn(messages: WireMessage[]): { problem: HumanEvalProblem; index: number } | undefined {
    const text = messages.map((m) => textOf(m.content)).join('\n');
    let best: { problem: HumanEvalProblem; index: number } | undefined;
    this.problems.forEach((problem, index) => {
      if (
        text.includes(problem.prompt.trimEnd()) &&
        (!best || problem.prompt.length > best.problem.prompt.length)
      )
        best = { problem, index };
    });
    return best;
  }

  private solutionOf(problem: HumanEvalProblem, index: number): string {
    const wrong = this.personality === 'half-wrong' && halfWrongMisses(problem, index);
    return `${problem.prompt}${wrong ? '    raise NotImplementedError\n' : problem.canonical_solution}`;
  }

  answer(body: Record<string, unknown>): Answer {
    const messages = (Array.isArray(body.messages) ? body.messages : []) as WireMessage[];
    const tools = (Array.isArray(body.tools) ? body.tools : []).map((t) =>
      String((t as { function?: { name?: string } }).function?.name ?? ''),
    );
    const system = messages
      .filter((m) => m.role === 'system' || m.role === 'developer')
      .map((m) => textOf(m.content))
      .join('\n');
    const found = this.problemIn(messages);
    if (body.response_format || tools.includes('submit_plan')) return this.plan(found?.problem, tools);
    if (!found) return { text: 'There is no HumanEval problem in this conversation.' };
    const { problem, index } = found;
    const misbehaviour = this.personality === 'misbehaving' ? misbehaviourOf(problem, index) : undefined;
    if (tools.includes('submit_verdict') || /\bYou are QA\b/.test(system))
      return misbehaviour ? this.misbehave(misbehaviour, 'qa') : this.qa(messages, tools);
    if (tools.includes('workspace_write'))
      return misbehaviour ? this.misbehave(misbehaviour, 'dev') : this.dev(messages, problem, index);
    if (system.startsWith('Complete the Python function')) {
      if (misbehaviour) return this.misbehave(misbehaviour, 'baseline');
      return { text: `\`\`\`python\n${this.solutionOf(problem, index)}\`\`\`` };
    }
    return {
      text: `The team wrote ${problem.entry_point} in solution.py, with tests that pass in the sandbox.`,
    };
  }

  private plan(problem: HumanEvalProblem | undefined, tools: string[]): Answer {
    const name = problem?.entry_point ?? 'the function';
    const plan = {
      summary: `Implement ${name} in solution.py with tests.`,
      steps: [
        {
          id: 'implement',
          employee: 'dev',
          title: `Implement ${name} in solution.py`,
          instructions: `Write ${name} in solution.py exactly as specified, with pytest tests in test_solution.py.`,
          dependsOn: [],
          acceptance: 'solution.py defines the function as specified; its tests pass in the sandbox.',
        },
      ],
    };
    return tools.includes('submit_plan')
      ? { toolCalls: [call('submit_plan', plan)] }
      : { text: JSON.stringify(plan) };
  }

  private dev(messages: WireMessage[], problem: HumanEvalProblem, index: number): Answer {
    const turns = messages.filter((m) => m.role === 'assistant' && m.tool_calls?.length).length;
    if (turns === 0) {
      const test = `from solution import ${problem.entry_point}\n\n\ndef test_${problem.entry_point}_is_defined():\n    assert callable(${problem.entry_point})\n`;
      return {
        text: 'Writing the function and a test.',
        toolCalls: [
          call('workspace_write', { path: 'solution.py', content: this.solutionOf(problem, index) }),
          call('workspace_write', { path: 'test_solution.py', content: test }),
        ],
      };
    }
    if (turns === 1) return { toolCalls: [call('sandbox_test', { runtime: 'python' })] };
    return {
      text: `Wrote ${problem.entry_point} in solution.py and a test in test_solution.py; the tests pass.`,
    };
  }

  private qa(messages: WireMessage[], tools: string[]): Answer {
    const last = [...messages].reverse().find((m) => m.role === 'tool');
    if (!last) return { toolCalls: [call('sandbox_test', { runtime: 'python' })] };
    const output = textOf(last.content);
    const passed = /exit code 0\b/.test(output) && !/^Error:/.test(output);
    const verdict = {
      verdict: passed ? 'pass' : 'fail',
      findings: passed ? 'The tests pass in the sandbox.' : `The tests fail: ${output.slice(0, 200)}`,
    };
    const alreadySubmitted = messages.some(
      (m) => m.role === 'assistant' && m.tool_calls?.some((c) => c.function?.name === 'submit_verdict'),
    );
    if (tools.includes('submit_verdict') && !alreadySubmitted)
      return { toolCalls: [call('submit_verdict', verdict)] };
    return { text: `I ran the tests.\n${JSON.stringify(verdict)}` };
  }

  private misbehave(how: Misbehaviour, who: 'dev' | 'qa' | 'baseline'): Answer {
    switch (how) {
      case 'empty':
        return { text: '' };
      case 'cut-off':
        return { text: 'I will start by writing the function, and then the', finishReason: 'length' };
      case 'repeats':
        if (who === 'baseline') return { text: 'I would need to look at the file first.' };
        return {
          toolCalls: [
            call(
              who === 'dev' ? 'workspace_read' : 'sandbox_test',
              who === 'dev' ? { path: 'missing.py' } : { runtime: 'python' },
            ),
          ],
        };
      case 'malformed': {
        const name = who === 'qa' ? 'sandbox_test' : 'workspace_write';
        if (who === 'baseline') return { text: '```python\ndef ', finishReason: 'length' };
        return {
          toolCalls: [{ name, arguments: '{"path": "solution.py", "content": "def broken(' }],
          finishReason: 'length',
        };
      }
    }
  }
}

let ids = 0;

/** One answer on the Chat Completions wire, whole or as SSE chunks (as the SDK asked). */
function writeAnswer(answer: Answer, request: RecordedRequest, res: ServerResponse): void {
  ids++;
  const reply: FakeOpenAIReply = {
    kind: 'answer',
    text: answer.text ?? '',
    toolCalls: (answer.toolCalls ?? []).map((c, i) => ({ id: `call_${ids}_${i}`, ...c })),
    ...(answer.finishReason ? { finishReason: answer.finishReason } : {}),
  };
  respondOpenAI(reply, request, res);
}

/** Starts the scripted team on 127.0.0.1; point OPENAI_COMPATIBLE_BASE_URL at `url`. */
export function startScriptedTeam(
  problems: HumanEvalProblem[],
  personality: TeamPersonality,
): Promise<ScriptedServer<Record<string, never>>> {
  const script = new TeamScript(problems, personality);
  return startScriptedHttpServer<Record<string, never>>({
    script: [],
    defaultReply: {},
    basePath: '/v1',
    respond: (_reply, request, res) => {
      if (request.method !== 'POST' || !request.path.endsWith('/chat/completions')) {
        writeJson(res, 404, {
          error: { message: `no route ${request.method} ${request.path}`, type: 'invalid_request_error' },
        });
        return;
      }
      writeAnswer(script.answer((request.body ?? {}) as Record<string, unknown>), request, res);
    },
  });
}
