import { describe, expect, it } from 'vitest';
import type { SandboxRun } from './sandbox-port';
import { keptChanges } from './sandbox-report';

const run = (changedFiles: Record<string, string>): SandboxRun => ({
  exitCode: 0,
  stdout: '',
  stderr: '',
  isolation: 'microvm',
  durationMs: 1,
  changedFiles,
});

describe('keptChanges', () => {
  it('keeps the good files of a result and notes each name the write-back rule refuses', () => {
    const { kept, notes } = keptChanges(
      run({
        'src/app.py': 'print(1)\n',
        'a\\b.py': 'x',
        'new\nline.txt': 'x',
        '../outside.txt': 'x',
        'pkg/.git': 'gitdir: x',
        'node_modules/m/index.js': 'x',
      }),
      undefined,
    );
    expect(kept).toEqual({ 'src/app.py': 'print(1)\n' });
    expect(notes).toEqual([
      'a\\b.py: not kept (its name holds a backslash, which other systems read as a folder separator)',
      'new\\nline.txt: not kept (its name holds a control character (\\n))',
      "../outside.txt: not kept (goes up with '..', outside the workspace)",
      'pkg/.git: not kept (is in .git, which the workspace does not hold)',
      'node_modules/m/index.js: not kept (is in node_modules, which the workspace does not hold)',
    ]);
  });
});
