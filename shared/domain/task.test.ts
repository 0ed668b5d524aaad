import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../errors';
import { parseInput } from './parse';
import { CreateTaskInput, canTransition, isTerminal, TASK_TRANSITIONS, TaskStatus } from './task';

describe('task lifecycle', () => {
  it('follows queued → planning → awaiting_approval → running → succeeded', () => {
    expect(canTransition('queued', 'planning')).toBe(true);
    expect(canTransition('planning', 'awaiting_approval')).toBe(true);
    expect(canTransition('awaiting_approval', 'running')).toBe(true);
    expect(canTransition('running', 'succeeded')).toBe(true);
  });

  it('never leaves succeeded or cancelled, and leaves failed only to resume', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TaskStatus.options),
        fc.constantFrom(...TaskStatus.options),
        (from, to) => {
          if (from === 'succeeded' || from === 'cancelled') expect(canTransition(from, to)).toBe(false);
          if (from === 'failed') expect(canTransition(from, to)).toBe(to === 'queued' || to === 'running');
          expect(isTerminal(from)).toBe(['succeeded', 'failed', 'cancelled'].includes(from));
        },
      ),
    );
  });

  it('lets every non-terminal status be cancelled or failed', () => {
    for (const s of TaskStatus.options.filter((s) => !isTerminal(s))) {
      expect(TASK_TRANSITIONS[s]).toContain('cancelled');
      expect(TASK_TRANSITIONS[s]).toContain('failed');
    }
  });
});

describe('CreateTaskInput', () => {
  it('names the field that fails', () => {
    expect(() => parseInput(CreateTaskInput, { prompt: '' })).toThrow(/prompt: must not be empty/);
    expect(() => parseInput(CreateTaskInput, { prompt: 'x', preference: 'fast' })).toThrow(/preference/);
    expect(() => parseInput(CreateTaskInput, { prompt: 'x', colour: 'red' })).toThrow(
      /unknown field\(s\): colour/,
    );
  });

  it('fills defaults', () => {
    expect(parseInput(CreateTaskInput, { prompt: 'x' })).toEqual({
      prompt: 'x',
      preference: 'balanced',
      requireApproval: false,
    });
  });

  it('throws InvalidInput with one issue per field, for any non-object body', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.array(fc.nat())), (body) => {
        try {
          parseInput(CreateTaskInput, body);
          return false;
        } catch (e) {
          return e instanceof InvalidInput && e.issues.length > 0;
        }
      }),
    );
  });
});

describe('budgets in USD', () => {
  it('refuses a budget that rounds to 0 micro-USD, naming the field and the smallest amount', () => {
    for (const budgetUsd of [4e-7, 1e-300, Number.MIN_VALUE]) {
      expect(() => parseInput(CreateTaskInput, { prompt: 'x', budgetUsd })).toThrow(
        /budgetUsd: must be at least 0\.000001 USD/,
      );
    }
  });

  it('takes the smallest amount that is one micro-USD', () => {
    expect(parseInput(CreateTaskInput, { prompt: 'x', budgetUsd: 0.000001 }).budgetUsd).toBe(0.000001);
  });

  it('accepts exactly the positive amounts up to the cap that are at least one micro-USD', () => {
    fc.assert(
      fc.property(fc.double({ min: -1, max: 20_000, noNaN: true }), (budgetUsd) => {
        const ok = budgetUsd > 0 && budgetUsd <= 10_000 && Math.round(budgetUsd * 1_000_000) >= 1;
        let parsed = true;
        try {
          parseInput(CreateTaskInput, { prompt: 'x', budgetUsd });
        } catch (e) {
          parsed = !(e instanceof InvalidInput);
        }
        expect(parsed).toBe(ok);
      }),
    );
  });
});
