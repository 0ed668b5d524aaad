import { type EmployeeProfile, modelChoice, type Task } from '../domain';
import type { TeamModels } from '../gateway/team-models';
import type { ModelMessage } from '../gateway/types';

/** Each condensed message is shown to the summariser at most this long. */
const PER_MESSAGE_CHARS = 2_000;
const SUMMARY_TOKENS = 1_500;

const SYSTEM = [
  "You condense an engineer's working log so they can carry on without it.",
  'Write what they must not lose: the goal, what they did (files written or changed and why),',
  'what they learned (test results, errors and their causes), what is still failing or open, and',
  'the next steps they had in mind. Keep exact file names, function names, commands and error',
  'messages. No preamble; plain bullet points.',
].join(' ');

function render(message: ModelMessage): string {
  const clip = (t: string) => (t.length > PER_MESSAGE_CHARS ? `${t.slice(0, PER_MESSAGE_CHARS)}…` : t);
  switch (message.role) {
    case 'user':
      return `[team] ${clip(message.content)}`;
    case 'assistant': {
      const calls = (message.toolCalls ?? []).map((c) => `${c.name}(${clip(JSON.stringify(c.arguments))})`);
      return [`[you] ${clip(message.content)}`, ...calls.map((c) => `[you called] ${c}`)].join('\n');
    }
    case 'tool':
      return `[${message.name} ${message.isError ? 'failed' : 'answered'}] ${clip(message.content)}`;
  }
}

/**
 * Summarises the older turns of a conversation that nears the model's window, as the employee
 * itself (metered and budgeted like any of its calls), with no tools.
 */
export async function summariseTurns(
  models: TeamModels,
  turn: { task: Task; profile: EmployeeProfile; stepId?: string; signal?: AbortSignal },
  messages: ModelMessage[],
): Promise<string> {
  const { task, profile, stepId } = turn;
  const answer = await models.complete({
    profile,
    preference: task.preference,
    ...modelChoice(task, profile.id),
    system: SYSTEM,
    messages: [{ role: 'user', content: `The log to condense:\n\n${messages.map(render).join('\n\n')}` }],
    maxOutputTokens: SUMMARY_TOKENS,
    temperature: 0,
    context: {
      tenantId: task.tenantId,
      taskId: task.id,
      employeeId: profile.id,
      ...(stepId ? { stepId } : {}),
    },
    ...(turn.signal ? { signal: turn.signal } : {}),
  });
  return answer.text.trim() || '(the summary came back empty; the older turns are gone)';
}
