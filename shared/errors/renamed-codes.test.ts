import { describe, expect, it } from 'vitest';
import { REPLANNABLE_ERRORS } from '../workflow/definition';
import { currentErrorCode } from './renamed-codes';

describe('renamed error codes', () => {
  it('reads a code stored under its old name as the new one, for one release', () => {
    // Tasks failed and executions caught before ModelsExhausted reported its own name carry this one.
    expect(currentErrorCode('ProviderUnavailable')).toBe('ModelsExhausted');
    expect((REPLANNABLE_ERRORS as readonly string[]).includes(currentErrorCode('ProviderUnavailable'))).toBe(
      true,
    );
  });

  it('leaves every other code as it is', () => {
    expect(currentErrorCode('NoModelAvailable')).toBe('NoModelAvailable');
    expect(currentErrorCode('StepRejected')).toBe('StepRejected');
  });
});
