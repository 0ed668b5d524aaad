import type { RecordedRequest } from '@techteam/shared/testing/fake-openai-server';

/**
 * One call as the instant model server saw it. The server answers the moment a
 * request has arrived, so a call is a point in time: everything between two
 * calls is the orchestrator's (plus the HTTP client's, the same for both systems).
 */
export interface ModelCall {
  /** The plan step the call was made for; undefined for the planner's and the synthesis's calls. */
  stepId: string | undefined;
  /** The step's first call (a step that runs several turns makes more). */
  first: boolean;
  at: number;
}

const STEP_INSTRUCTIONS = /Answer at once for step (s\d+)\./g;

/** A message's text, whether sent as a string or as content parts. */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (p as { text?: string }).text ?? '').join('');
  return '';
}

/** The calls of one run, in arrival order, each with the step whose prompt it carries. */
export function modelCalls(requests: RecordedRequest[]): ModelCall[] {
  const seen = new Set<string>();
  return requests
    .filter((r) => r.path.endsWith('/chat/completions'))
    .map((r) => {
      const messages = (r.body?.messages ?? []) as { role: string; content: unknown }[];
      const firstUser = messages.find((m) => m.role === 'user');
      // A step's prompt carries its own instructions, in every turn; a prompt that quotes several
      // steps' (a synthesis) or none (the planner's) is no step's.
      const named = new Set([...textOf(firstUser?.content).matchAll(STEP_INSTRUCTIONS)].map((m) => m[1]!));
      const stepId = named.size === 1 ? [...named][0] : undefined;
      const first = stepId !== undefined && !seen.has(stepId);
      if (stepId) seen.add(stepId);
      return { stepId, first, at: r.receivedAt };
    });
}
