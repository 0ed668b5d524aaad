import type { ScriptedServer } from './fake-openai-server';
import {
  type FakeOpenAIReply,
  type RecordedRequest,
  respondOpenAI,
  startScriptedHttpServer,
} from './fake-openai-server';

/**
 * An OpenAI-compatible server that plays the whole team, each employee from its own script, the
 * way a real model is reached through the host: the real `openai` SDK and gateway call it over
 * HTTP. Who is asking is read from the request as a model would see it: the planner asks for
 * structured output, QA has `submit_verdict`, Dev can write, the condenser and the synthesis have
 * no tools. Each role answers from its queue, then from its default.
 */
export type TeamRole = 'planner' | 'researcher' | 'dev' | 'qa' | 'condenser' | 'synthesis';

export interface TeamServer extends ScriptedServer<FakeOpenAIReply> {
  /** Queues replies for one role. */
  script(role: TeamRole, ...replies: FakeOpenAIReply[]): void;
  /** The requests one role made, in order. */
  requestsOf(role: TeamRole): RecordedRequest[];
}

// biome-ignore lint/suspicious/noExplicitAny: the recorded body is the wire JSON.
function toolNames(body: any): string[] {
  return (body?.tools ?? []).map((t: { function?: { name?: string } }) => t.function?.name ?? '');
}

export function roleOf(request: RecordedRequest): TeamRole {
  const body = request.body;
  const system = String(body?.messages?.[0]?.role === 'system' ? body.messages[0].content : '');
  const tools = toolNames(body);
  if (body?.response_format) return 'planner';
  if (tools.includes('submit_verdict') || /\bYou are QA\b/.test(system)) return 'qa';
  if (tools.includes('workspace_write')) return 'dev';
  if (tools.length) return 'researcher';
  if (/condense/i.test(system)) return 'condenser';
  return /plan/i.test(system) && !/summary/i.test(system) ? 'planner' : 'synthesis';
}

/** A plan as the planner's structured answer. */
export function planReply(steps: Record<string, unknown>[], summary = 'The plan.'): FakeOpenAIReply {
  return { kind: 'answer', text: JSON.stringify({ summary, steps }) };
}

/** QA's passing verdict, through submit_verdict where QA has it, else as its final JSON line. */
function verdictReply(request: RecordedRequest, verdict: 'pass' | 'fail', findings: string): FakeOpenAIReply {
  const args = { verdict, findings };
  return toolNames(request.body).includes('submit_verdict')
    ? {
        kind: 'answer',
        toolCalls: [{ id: `call_verdict_${Date.now()}`, name: 'submit_verdict', arguments: args }],
      }
    : { kind: 'answer', text: JSON.stringify(args) };
}

export async function startScriptedTeam(
  defaults: Partial<Record<TeamRole, (request: RecordedRequest) => FakeOpenAIReply>> = {},
): Promise<TeamServer> {
  const queues = new Map<TeamRole, FakeOpenAIReply[]>();
  const byRole = new Map<TeamRole, RecordedRequest[]>();
  const fallback: Record<TeamRole, (request: RecordedRequest) => FakeOpenAIReply> = {
    planner: () =>
      planReply([
        {
          id: 'research',
          employee: 'researcher',
          title: 'Research',
          instructions: 'Find out.',
          dependsOn: [],
          acceptance: '',
        },
      ]),
    researcher: () => ({ kind: 'answer', text: 'The requirements are clear.' }),
    dev: () => ({ kind: 'answer', text: 'Implemented.' }),
    qa: (request) => verdictReply(request, 'pass', 'The tests pass.'),
    condenser: () => ({ kind: 'answer', text: '- wrote files; tests were run' }),
    synthesis: () => ({ kind: 'answer', text: 'Summary of what the team did.' }),
    ...defaults,
  };
  // Every reply is decided when the request arrives, from its role: the FIFO below stays empty.
  const server = await startScriptedHttpServer<FakeOpenAIReply>({
    script: [],
    defaultReply: { kind: 'answer', text: '' },
    basePath: '/v1',
    respond: (_unused, request, res) => {
      const role = roleOf(request);
      byRole.set(role, [...(byRole.get(role) ?? []), request]);
      const reply = queues.get(role)?.shift() ?? fallback[role](request);
      respondOpenAI(reply, request, res);
    },
  });
  return {
    ...server,
    script: (role, ...replies) => queues.set(role, [...(queues.get(role) ?? []), ...replies]),
    requestsOf: (role) => byRole.get(role) ?? [],
    clear: () => {
      server.clear();
      queues.clear();
      byRole.clear();
    },
  };
}
