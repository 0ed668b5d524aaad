import { describe, expect, it } from 'vitest';
import { workflowDefinition } from './definition';

interface State {
  Type: string;
  Resource?: string;
  Retry?: { ErrorEquals: string[] }[];
  ItemProcessor?: { States: Record<string, State> };
}

/** Every Task state of the definition, nested Maps included, by name. */
function taskStates(states: Record<string, State>): [string, State][] {
  return Object.entries(states).flatMap(([name, state]) => [
    ...(state.Type === 'Task' ? [[name, state] as [string, State]] : []),
    ...(state.ItemProcessor ? taskStates(state.ItemProcessor.States) : []),
  ]);
}

describe('the Retry lists of the Lambda Task states', () => {
  const tasks = taskStates(workflowDefinition().States as Record<string, State>);

  it('finds the Task states, nested ones too', () => {
    expect(tasks.map(([name]) => name)).toEqual(
      expect.arrayContaining(['PlanTask', 'DevAttempt', 'MarkTaskFailed']),
    );
  });

  it.each([
    'Lambda.ClientExecutionTimeoutException',
    'Lambda.ServiceException',
    'Lambda.AWSLambdaException',
    'Lambda.SdkClientException',
    'Lambda.TooManyRequestsException',
  ])('retries %s on every state that retries at all', (error) => {
    const retried = tasks.filter(([, s]) => s.Retry?.length);
    expect(retried.length).toBeGreaterThan(5);
    for (const [name, state] of retried) {
      expect({ name, errors: state.Retry?.flatMap((r) => r.ErrorEquals) }).toEqual({
        name,
        errors: expect.arrayContaining([error]),
      });
    }
  });
});
