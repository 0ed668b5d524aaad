import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BudgetExceeded } from '../money';
import { countFailure, recordModelSpend, TECHTEAM_METRICS } from './metrics';

/** The EMF lines Powertools writes to stdout. */
function captureEmf(): { lines: () => Record<string, unknown>[]; restore: () => void } {
  const written: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  return {
    lines: () =>
      written
        .join('')
        .split('\n')
        .filter((l) => l.includes('"_aws"'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    restore: () => spy.mockRestore(),
  };
}

describe('Techteam metrics', () => {
  let emf: ReturnType<typeof captureEmf>;
  beforeEach(() => {
    emf = captureEmf();
  });
  afterEach(() => {
    emf.restore();
    vi.unstubAllEnvs();
  });

  it('on Lambda, writes a budget refusal and a call’s spend as EMF in the Techteam namespace', () => {
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'Techteam-Workflow-RunEmployee');
    countFailure(new BudgetExceeded('task', 10, 500, 'gpt-x'));
    countFailure(new Error('not a budget'));
    recordModelSpend(1234);
    const lines = emf.lines();
    expect(lines).toHaveLength(2);
    const [refusal, spend] = lines as [Record<string, unknown>, Record<string, unknown>];
    const directive = (
      refusal['_aws'] as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] }
    ).CloudWatchMetrics[0]!;
    expect(directive.Namespace).toBe(TECHTEAM_METRICS.namespace);
    expect(directive.Dimensions).toEqual([['service']]);
    expect(refusal).toMatchObject({ service: 'techteam', [TECHTEAM_METRICS.budgetRefusals]: 1 });
    expect(spend).toMatchObject({ [TECHTEAM_METRICS.modelSpend]: 1234 });
  });

  it('off Lambda (the local host), writes nothing', () => {
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', '');
    countFailure(new BudgetExceeded('tenant', 0, 500, 'gpt-x'));
    recordModelSpend(99);
    expect(emf.lines()).toEqual([]);
  });
});
