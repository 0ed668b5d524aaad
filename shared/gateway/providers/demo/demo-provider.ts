import type { Plan } from '../../../domain';
import type { ModelProvider, ModelRequest, ModelResponse, ToolCall } from '../../types';
import { DEMO_SAMPLES, type DemoSample, findSample } from './samples';

export const DEMO_PROVIDER = 'demo';
export const DEMO_MODEL = 'demo-1';
/** Every demo answer starts with this, so no one mistakes a script for a model. */
export const DEMO_LABEL = '[demo]';

/** A rough token count for text the demo "reads" and "writes": 4 characters a token. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function firstUserText(req: ModelRequest): string {
  return req.messages.find((m) => m.role === 'user')?.content ?? '';
}

/** The sample a prompt (or any line of a step prompt) names. */
function sampleIn(text: string): DemoSample | undefined {
  for (const line of [text, ...text.split('\n')]) {
    const found = findSample(line.replace(/^The whole task:\s*/, ''));
    if (found) return found;
  }
  return undefined;
}

const NOT_A_SAMPLE = [
  `${DEMO_LABEL} This host has no model provider key, so the team runs on the demo model, which knows only the built-in samples:`,
  ...DEMO_SAMPLES.map((s) => `  - "${s.prompt}"`),
  'To have a real team work on any task, set one of OPENAI_API_KEY, ANTHROPIC_API_KEY, AWS credentials with',
  'BEDROCK_REGION, or OPENAI_COMPATIBLE_BASE_URL, and restart the host (`npx techteam models` shows which are live).',
].join('\n');

/**
 * The scripted plan for a task prompt. Deterministic: the same prompt always gives the same plan.
 * The planner's message is the prompt, its notes, then sections (`## What the team knows`, the
 * recalled memories): only what comes before the first section is the task, so a sample named
 * in a memory of an earlier task does not change this one's plan.
 */
export function demoPlan(plannerMessage: string): Plan {
  const sample = sampleIn(plannerMessage.split('\n\n## ')[0] ?? '');
  if (!sample) {
    return {
      summary: `${DEMO_LABEL} The demo model plays only the built-in samples; this task is not one, so nothing will be built.`,
      steps: [
        {
          id: 'explain',
          employee: 'researcher',
          title: 'Say what the demo model can do',
          instructions:
            'Say that the demo model plays only the built-in samples, that nothing is built for this task, and how to configure a real model provider.',
          dependsOn: [],
          acceptance: 'The answer names the built-in samples and how to configure a real provider.',
        },
      ],
    };
  }
  return {
    summary: `${DEMO_LABEL} Plan for: ${sample.prompt}`,
    steps: [
      {
        id: 'requirements',
        employee: 'researcher',
        title: `Pin down what ${sample.subject} must do`,
        instructions: `List the requirements and edge cases for ${sample.subject}.`,
        dependsOn: [],
        acceptance: 'Requirements and edge cases are listed.',
      },
      {
        id: 'implement',
        employee: 'dev',
        title: `Implement ${sample.subject} with tests`,
        instructions: `Implement ${sample.subject} in ${sample.runtime} with tests that cover the requirements.`,
        dependsOn: ['requirements'],
        acceptance: 'The code and its tests are in the workspace and the tests pass in the sandbox.',
      },
    ],
  };
}

let callCounter = 0;
function toolCall(name: string, args: Record<string, unknown>): ToolCall {
  callCounter++;
  return { id: `demo_call_${callCounter}`, name, arguments: args };
}

interface Scripted {
  text: string;
  toolCalls?: ToolCall[];
}

function hasTool(req: ModelRequest, name: string): boolean {
  return (req.tools ?? []).some((t) => t.name === name);
}

function lastToolResult(req: ModelRequest): { content: string; isError: boolean } | undefined {
  for (let i = req.messages.length - 1; i >= 0; i--) {
    const m = req.messages[i]!;
    if (m.role === 'tool') return { content: m.content, isError: m.isError ?? false };
  }
  return undefined;
}

function researcherTurn(req: ModelRequest, turn: number): Scripted {
  const sample = sampleIn(firstUserText(req));
  if (!sample) return { text: NOT_A_SAMPLE };
  if (turn === 0 && hasTool(req, 'memory_search')) {
    return {
      text: `${DEMO_LABEL} Checking what the team already knows about ${sample.subject}.`,
      toolCalls: [toolCall('memory_search', { query: sample.subject })],
    };
  }
  return {
    text: [
      `${DEMO_LABEL} Requirements for ${sample.subject}:`,
      ...sample.requirements.map((r) => `- ${r}`),
    ].join('\n'),
  };
}

function devTurn(req: ModelRequest, turn: number): Scripted {
  const prompt = firstUserText(req);
  const sample = sampleIn(prompt);
  if (!sample) return { text: NOT_A_SAMPLE };
  const round = Number(/Round (\d+) of \d+/.exec(prompt)?.[1] ?? 1);
  const files = round === 1 ? sample.firstAttempt : sample.fix;
  const write = (path: string, content: string) => toolCall('workspace_write', { path, content });
  if (turn === 0) {
    return {
      text:
        round === 1
          ? `${DEMO_LABEL} Writing ${Object.keys(files).join(' and ')}.`
          : `${DEMO_LABEL} QA found that ${sample.bug}. Fixing ${Object.keys(files).join(', ')}.`,
      toolCalls: Object.entries(files).map(([p, c]) => write(p, c)),
    };
  }
  if (round > 1 && turn === 1 && hasTool(req, 'sandbox_test')) {
    return {
      text: `${DEMO_LABEL} Running the tests in the sandbox.`,
      toolCalls: [toolCall('sandbox_test', { runtime: sample.runtime })],
    };
  }
  const result = lastToolResult(req);
  return {
    text:
      round === 1
        ? `${DEMO_LABEL} ${sample.subject} and its tests are written; handing to QA.`
        : `${DEMO_LABEL} Fixed. The sandbox says: ${result?.content.split('\n').find((l) => l.startsWith('tests:')) ?? 'done'}.`,
  };
}

/** The tool calls the model has made so far in this turn, by name. */
function calledTools(req: ModelRequest): string[] {
  return req.messages.flatMap((m) => (m.role === 'assistant' ? (m.toolCalls ?? []).map((c) => c.name) : []));
}

function lastResultOf(req: ModelRequest, tool: string): { content: string; isError: boolean } | undefined {
  const ids = new Set(
    req.messages.flatMap((m) =>
      m.role === 'assistant' ? (m.toolCalls ?? []).filter((c) => c.name === tool).map((c) => c.id) : [],
    ),
  );
  for (let i = req.messages.length - 1; i >= 0; i--) {
    const m = req.messages[i]!;
    if (m.role === 'tool' && ids.has(m.toolCallId))
      return { content: m.content, isError: m.isError ?? false };
  }
  return undefined;
}

/**
 * QA as a real reviewer works: read the step's diff, write a probe test for an edge case Dev's
 * tests miss (under qa_probes/), run every test, and submit the verdict through submit_verdict.
 */
function qaTurn(req: ModelRequest): Scripted {
  const sample = sampleIn(firstUserText(req));
  const called = calledTools(req);
  if (called.includes('submit_verdict')) return { text: `${DEMO_LABEL} Verdict submitted.` };
  if (!sample) {
    const verdict = {
      verdict: 'pass',
      findings: 'Nothing to review: the demo model knows only its samples.',
    };
    return hasTool(req, 'submit_verdict')
      ? { text: `${DEMO_LABEL} Nothing to review.`, toolCalls: [toolCall('submit_verdict', verdict)] }
      : { text: `${DEMO_LABEL} ${verdict.findings}` };
  }
  if (!called.length) {
    const look = [
      ...(hasTool(req, 'workspace_diff') ? [toolCall('workspace_diff', {})] : []),
      ...(hasTool(req, 'workspace_write')
        ? [toolCall('workspace_write', { path: sample.probe.path, content: sample.probe.content })]
        : []),
    ];
    if (look.length) {
      return {
        text: `${DEMO_LABEL} Reading the step's diff and writing a probe for an edge case the tests miss (${sample.probe.path}).`,
        toolCalls: look,
      };
    }
  }
  if (!called.includes('sandbox_test') && hasTool(req, 'sandbox_test')) {
    return {
      text: `${DEMO_LABEL} Running Dev's tests and my probe in the sandbox before I decide.`,
      toolCalls: [toolCall('sandbox_test', { runtime: sample.runtime })],
    };
  }
  // The verdict follows the real sandbox result, not the script.
  const run = lastResultOf(req, 'sandbox_test');
  const passed = run !== undefined && !run.isError && /\b0 failed, 0 errors\b/.test(run.content);
  const failingLine = run?.content.split('\n').find((l) => l.startsWith('failing:'));
  const failingTests = failingLine
    ? failingLine
        .replace(/^failing:\s*/, '')
        .split(', ')
        .filter(Boolean)
    : [];
  const verdict = {
    verdict: passed ? 'pass' : 'fail',
    findings: passed
      ? 'All tests pass in the sandbox, my probe included, and they cover the requirements.'
      : `The tests fail in the sandbox (${failingLine ?? 'see the run'}): ${sample.bug}.`,
    ...(passed ? {} : { failingTests }),
  };
  return {
    text: `${DEMO_LABEL} ${passed ? 'Everything passes.' : 'Tests fail; rejecting with the details.'}`,
    toolCalls: [toolCall('submit_verdict', verdict)],
  };
}

/**
 * The summary, from the evidence the synthesis is given (the task, the files, the sandbox runs),
 * never from the script alone: the task is read from its own section, so a sample named in
 * some step's report does not make a non-sample task look like one.
 */
function synthesis(req: ModelRequest): Scripted {
  const text = firstUserText(req);
  const task = /^## The task\n([\s\S]*?)\n\n## /.exec(text)?.[1] ?? '';
  const sample = findSample(task);
  const files = [...text.matchAll(/^- (\S+) \((\d+) bytes\)$/gm)].map((m) => m[1]!);
  if (!sample) {
    return {
      text: [
        `${DEMO_LABEL} Nothing was built for this task: the demo model plays only the built-in samples, and this task is not one of them.`,
        files.length
          ? `The workspace holds: ${files.join(', ')}.`
          : 'No file was written and no code was run.',
        ...NOT_A_SAMPLE.split('\n').slice(1),
      ].join('\n'),
    };
  }
  const expected = Object.keys(sample.firstAttempt);
  const passed = /, \d+ passed, 0 failed, 0 errors/.test(text);
  const rounds = Number(/— succeeded, (\d+) Dev\/QA round/.exec(text)?.[1] ?? 0);
  const subject = `${sample.subject[0]!.toUpperCase()}${sample.subject.slice(1)}`;
  if (!expected.every((f) => files.includes(f)) || !passed) {
    return {
      text: `${DEMO_LABEL} ${subject} is not done: the workspace holds ${files.join(', ') || 'no files'}, and the tests did not pass in the sandbox.`,
    };
  }
  const history =
    rounds > 1
      ? `QA rejected the first attempt because ${sample.bug}; Dev fixed it in round ${rounds}.`
      : 'QA accepted the first attempt.';
  return {
    text: `${DEMO_LABEL} ${subject} is in the workspace with passing tests (${expected.join(', ')}). ${history}`,
  };
}

/** The demo never re-plans: it plays only its scripts, and says so. */
const DEMO_DECLINES_REPLAN = {
  replan: false,
  reason: `${DEMO_LABEL} The demo model does not re-plan: it plays only the built-in samples' scripts.`,
};

function superAgentTurn(req: ModelRequest): Scripted {
  switch (req.responseSchema?.name) {
    case 'submit_plan':
      return { text: JSON.stringify(demoPlan(firstUserText(req))) };
    case 'submit_replan':
      return { text: JSON.stringify(DEMO_DECLINES_REPLAN) };
    default:
      return synthesis(req);
  }
}

/**
 * The demo model: scripted and deterministic, used when no provider key is set.
 * It plans as the Super Agent, and plays the researcher, Dev and QA through the
 * built-in samples with real tool calls; every answer is labelled [demo].
 */
export class DemoProvider implements ModelProvider {
  readonly name = DEMO_PROVIDER;

  async complete(req: ModelRequest): Promise<ModelResponse> {
    if (req.signal?.aborted) throw req.signal.reason ?? new Error('aborted');
    const turn = req.messages.filter((m) => m.role === 'assistant').length;
    let out: Scripted;
    switch (req.context.employeeId) {
      case 'super-agent':
        out = superAgentTurn(req);
        break;
      case 'researcher':
        out = researcherTurn(req, turn);
        break;
      case 'dev':
        out = devTurn(req, turn);
        break;
      case 'qa':
        out = qaTurn(req);
        break;
      default:
        out = { text: `${DEMO_LABEL} ${req.context.employeeId} has no demo script; it needs a real model.` };
    }
    req.onDelta?.(out.text);
    const prompt = [req.system ?? '', ...req.messages.map((m) => m.content)].join('\n');
    return {
      text: out.text,
      toolCalls: out.toolCalls ?? [],
      stopReason: out.toolCalls?.length ? 'tool_use' : 'end',
      usage: {
        inputTokens: estimateTokens(prompt),
        outputTokens: estimateTokens(out.text),
        cachedInputTokens: 0,
      },
      provider: DEMO_PROVIDER,
      model: DEMO_MODEL,
    };
  }
}
