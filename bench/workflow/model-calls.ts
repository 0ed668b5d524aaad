import type { RecordedRequest } from '@techteam/shared/testing/fake-openai-server';

/**
 * One call as the instant model server saw it. The server answers the moment a
 * request has arrived, so a call is a point in time: everything between two
 * calls is the orchestrator's (plus the HTTP client's, the same for both systems).
 */
export interface ModelCall {
  /** The plan step the call was made for; undefined for the planner's and the synthesis's calls. */
  stepId: string | undefined;
  at: number;
}

const STEP_PROMPT = /Answer at once for step (s\d+)\./;

/** The calls of one run, in arrival order: the step is read from its prompt; its first call is what counts. */
export function modelCalls(requests: RecordedRequest[]): ModelCall[] {
  const seen = new Set<string>();
  return requests
    .filter((r) => r.path.endsWith('/chat/completions'))
    .map((r) => {
      const messages = (r.body?.messages ?? []) as { role: string; content: unknown }[];
      const firstUser = messages.find((m) => m.role === 'user');
      const stepId = STEP_PROMPT.exec(JSON.stringify(firstUser?.content ?? ''))?.[1];
      const counted = stepId && !seen.has(stepId) ? stepId : undefined;
      if (counted) seen.add(counted);
      return { stepId: counted, at: r.receivedAt };
    });
}
