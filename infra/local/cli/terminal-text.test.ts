import type { TaskEvent } from '@techteam/shared/domain';
import { describe, expect, it } from 'vitest';
import { formatEvent } from './event-format';
import { printable } from './terminal-text';

describe('text from models reaching the terminal', () => {
  it('loses every escape sequence and control character, keeping lines, tabs and other scripts', () => {
    const hostile = [
      'red \u001b[31mtext\u001b[0m',
      'clear \u001b[2J\u001b[H',
      'title \u001b]0;pwned\u0007',
      'clipboard \u001b]52;c;ZXZpbA==\u001b\\',
      'c1 \u009b31m',
      'overwrite\rbell\u0007 del\u007f',
    ].join('\n');
    expect(printable(hostile)).toBe(
      ['red text', 'clear ', 'title ', 'clipboard ', 'c1 ', 'overwritebell del'].join('\n'),
    );
    expect(printable('naïve 日本語\tok')).toBe('naïve 日本語\tok');
  });

  it('applies to every event printed, such as a message or a tool’s output', () => {
    const base = {
      id: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
      at: '2026-11-25T10:00:00.000Z',
      tenantId: 't',
      taskId: 'tsk_x',
    };
    const message: TaskEvent = {
      ...base,
      type: 'message',
      employee: 'dev',
      text: 'done \u001b]52;c;ZXZpbA==\u0007',
      provider: 'demo',
      model: 'demo-1',
    };
    expect(formatEvent(message)).not.toMatch(/\u001b|\u0007/);
    expect(formatEvent(message)).toContain('done');
  });
});
