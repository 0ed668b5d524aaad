import type { Plan } from '../domain';
import type { ModelProvider, ModelRequest, ModelResponse } from './types';

export const DEMO_PROVIDER = 'demo';
export const DEMO_MODEL = 'demo-1';
/** Every demo answer starts with this, so no one mistakes a script for a model. */
export const DEMO_LABEL = '[demo]';

/** A rough token count for text the demo "reads" and "writes": 4 characters a token. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function lastUserText(req: ModelRequest): string {
  for (let i = req.messages.length - 1; i >= 0; i--) {
    const m = req.messages[i]!;
    if (m.role === 'user') return m.content;
  }
  return '';
}

/** The subject of a prompt, e.g. "Write a slugify function with tests" → "a slugify function". */
export function subjectOf(prompt: string): string {
  const first = prompt.trim().split(/[.\n]/)[0] ?? prompt;
  const m = /^(?:please\s+)?(?:write|build|create|make|implement|add)\s+(.+?)(?:\s+with\s+tests?)?$/i.exec(
    first.trim(),
  );
  return (m?.[1] ?? first).trim() || 'the task';
}

/**
 * The scripted plan for a task prompt: research, then build, then review.
 * Deterministic: the same prompt always gives the same plan.
 */
export function demoPlan(prompt: string): Plan {
  const subject = subjectOf(prompt);
  return {
    summary: `${DEMO_LABEL} Plan for: ${prompt.trim()}`,
    steps: [
      {
        id: 'research',
        employee: 'researcher',
        title: `Pin down what ${subject} must do`,
        instructions: `List the requirements and edge cases for ${subject}.`,
        dependsOn: [],
        acceptance: 'Requirements and edge cases are listed.',
      },
      {
        id: 'implement',
        employee: 'dev',
        title: `Implement ${subject}`,
        instructions: `Implement ${subject} following the research notes, with tests.`,
        dependsOn: ['research'],
        acceptance: 'Code and tests exist and the tests pass.',
      },
      {
        id: 'review',
        employee: 'qa',
        title: `Review ${subject}`,
        instructions: `Check the implementation of ${subject} against the requirements.`,
        dependsOn: ['implement'],
        acceptance: 'A verdict with reasons.',
      },
    ],
  };
}

function stepAnswer(employee: string, prompt: string): string {
  // The first line of a step prompt is the step's instructions; the rest is context.
  const instructions = prompt.trim().split('\n')[0] ?? '';
  switch (employee) {
    case 'researcher':
      return [
        `${DEMO_LABEL} Research notes.`,
        `Task: ${instructions}`,
        '- Inputs may be empty, contain Unicode, or be very long.',
        '- Behaviour on each edge case must be stated and tested.',
        '- Prefer the standard library; no new dependencies.',
      ].join('\n');
    case 'dev':
      return [
        `${DEMO_LABEL} Implementation.`,
        `Task: ${instructions}`,
        'Wrote the implementation and its tests covering the listed edge cases.',
      ].join('\n');
    case 'qa':
      return [
        `${DEMO_LABEL} Review.`,
        `Task: ${instructions}`,
        'Verdict: accepted. The implementation meets the acceptance criteria.',
      ].join('\n');
    default:
      return `${DEMO_LABEL} ${employee} completed: ${instructions}`;
  }
}

/**
 * The demo model: scripted and deterministic, used when no provider key is set.
 * It plans as the Super Agent (JSON) and answers as each employee.
 */
export class DemoProvider implements ModelProvider {
  readonly name = DEMO_PROVIDER;

  async complete(req: ModelRequest): Promise<ModelResponse> {
    if (req.signal?.aborted) throw req.signal.reason ?? new Error('aborted');
    const input = lastUserText(req);
    const text =
      req.context.employeeId === 'super-agent' && req.responseFormat === 'json'
        ? JSON.stringify(demoPlan(input))
        : stepAnswer(req.context.employeeId, input);
    req.onDelta?.(text);
    const prompt = [req.system ?? '', ...req.messages.map((m) => m.content)].join('\n');
    return {
      text,
      toolCalls: [],
      stopReason: 'end',
      usage: {
        inputTokens: estimateTokens(prompt),
        outputTokens: estimateTokens(text),
        cachedInputTokens: 0,
      },
      provider: DEMO_PROVIDER,
      model: DEMO_MODEL,
    };
  }
}
