import type { TaskEvent } from '@techteam/shared/domain';
import { describe, expect, it } from 'vitest';
import { formatEvent } from './event-format';

const base = {
  id: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
  seq: 7,
  at: '2026-11-25T10:00:00.000Z',
  tenantId: 't',
  taskId: 'tsk_x',
};

describe('an event whose large fields were moved out', () => {
  it('shows where the whole text is: the task file the files API serves', () => {
    const call: TaskEvent = {
      ...base,
      type: 'tool_call',
      employee: 'dev',
      callId: 'c1',
      tool: 'workspace.write',
      arguments: { path: 'data.csv', content: 'row,value\n… [512000 bytes in all; …]' },
      payloads: [
        { field: 'arguments.content', bytes: 512_000, file: '.techteam/events/01ARZ/arguments.content.txt' },
      ],
    };
    expect(formatEvent(call).split('\n')).toEqual([
      expect.stringContaining('dev calls workspace.write'),
      '    ↳ arguments.content (512000 bytes) in full: GET /v1/tasks/tsk_x/files/.techteam/events/01ARZ/arguments.content.txt',
    ]);
  });

  it('says so when only a preview was kept', () => {
    const message: TaskEvent = {
      ...base,
      type: 'message',
      employee: 'dev',
      text: 'All good…',
      provider: 'demo',
      model: 'demo-1',
      payloads: [{ field: 'text', bytes: 460_800 }],
    };
    expect(formatEvent(message)).toMatch(
      /↳ text \(460800 bytes\) was cut to a preview; the rest was not kept$/,
    );
  });
});
