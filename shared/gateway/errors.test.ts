import { describe, expect, it } from 'vitest';
import { BudgetExceeded, LimitChanged } from '../money';
import { REPLANNABLE_ERRORS, TRANSIENT_ERRORS } from '../workflow/definition';
import {
  type ModelAttempt,
  ModelNotAllowed,
  ModelsCoolingDown,
  ModelsExhausted,
  modelsExhausted,
  NoModelAvailable,
  ProviderError,
  UnknownModel,
} from './errors';

const cooling: ModelAttempt = {
  model: 'a',
  provider: 'openai',
  reason: '429',
  kind: 'rate_limited',
  attempts: 3,
};
const badKey: ModelAttempt = { model: 'b', provider: 'anthropic', reason: '401', kind: 'auth', attempts: 1 };
const skipped: ModelAttempt = {
  model: 'c',
  provider: 'bedrock',
  reason: 'retired',
  kind: 'skipped',
  attempts: 0,
};

describe('gateway and money errors', () => {
  it("report their class name as code and name (what Step Functions' Retry and Catch match)", () => {
    const errors = [
      new ProviderError({ provider: 'openai', model: 'a', kind: 'server', message: '500' }),
      new ProviderError({ provider: 'openai', model: 'a', kind: 'cancelled', message: 'cancelled' }),
      new ModelsExhausted('dev', [cooling]),
      new NoModelAvailable('dev', [badKey]),
      new ModelsCoolingDown('dev', [cooling], 5_000),
      new ModelNotAllowed('a', 'dev', ['b']),
      new UnknownModel('z', 'dev', ['b']),
      new BudgetExceeded('task', 10, 500, 'a'),
      new LimitChanged({ key: { PK: 'T', SK: 'T' }, attribute: 'budgetMicroUsd' }),
    ];
    for (const error of errors) {
      expect(error.code).toBe(error.constructor.name);
      expect(error.name).toBe(error.constructor.name);
    }
  });

  it('pass on the error they wrap as cause', () => {
    const sdk = new Error('socket hang up');
    expect(
      new ProviderError({ provider: 'openai', model: 'a', kind: 'network', message: 'reset', cause: sdk })
        .cause,
    ).toBe(sdk);
  });

  it('tell a failure time may mend (retried by the workflow) from one only a configuration change mends', () => {
    const transient = modelsExhausted('dev', [cooling, badKey]);
    expect(transient).toBeInstanceOf(ModelsExhausted);
    expect(transient.code).toBe('ModelsExhausted');
    const permanent = modelsExhausted('dev', [badKey, skipped]);
    expect(permanent).toBeInstanceOf(NoModelAvailable);
    expect(permanent).toBeInstanceOf(ModelsExhausted);
    expect(permanent.code).toBe('NoModelAvailable');
  });

  it('are the names the workflow retries and re-plans on', () => {
    expect(TRANSIENT_ERRORS).toContain('ModelsExhausted');
    expect(TRANSIENT_ERRORS).toContain('ModelsCoolingDown');
    expect(TRANSIENT_ERRORS).not.toContain('NoModelAvailable');
    // No class reports ProviderUnavailable any more: retrying it would retry nothing.
    expect(TRANSIENT_ERRORS).not.toContain('ProviderUnavailable');
    expect(REPLANNABLE_ERRORS).toEqual(expect.arrayContaining(['ModelsExhausted', 'NoModelAvailable']));
  });
});
