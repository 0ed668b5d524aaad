import { describe, expect, it } from 'vitest';
import { codeOfAnswer, teamPrompt } from './prompts';

const problem = {
  task_id: 'HumanEval/0',
  prompt: 'from typing import List\n\n\ndef add(a: int, b: int) -> int:\n    """Add two numbers."""\n',
  entry_point: 'add',
  canonical_solution: '    return a + b\n',
  test: 'def check(candidate):\n    assert candidate(2, 3) == 5\n',
};

describe('what the team and the baseline are given', () => {
  it('the team gets the signature and docstring, the file to write, and never the hidden tests', () => {
    const prompt = teamPrompt(problem);
    expect(prompt).toContain(problem.prompt.trimEnd());
    expect(prompt).toContain('solution.py');
    expect(prompt).not.toContain('check(candidate)');
    expect(prompt).not.toContain(problem.canonical_solution.trim());
  });

  it('takes the fenced block that defines the function from a chat answer', () => {
    const answer =
      'Sure:\n```\npip install nothing\n```\n```python\ndef add(a, b):\n    return a + b\n```\nDone.';
    expect(codeOfAnswer(answer, 'add')).toBe('def add(a, b):\n    return a + b\n');
  });

  it('takes the first block, an unclosed block (cut at max_tokens), or the bare answer', () => {
    expect(codeOfAnswer('```py\n    return a + b\n```', 'add')).toBe('    return a + b\n');
    expect(codeOfAnswer('```python\ndef add(a, b):\n    return', 'add')).toBe('def add(a, b):\n    return');
    expect(codeOfAnswer('    return a + b', 'add')).toBe('    return a + b');
  });
});
