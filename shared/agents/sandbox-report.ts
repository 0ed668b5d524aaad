import { limitLabel } from '../sandbox/job';
import { checkWriteBackPath, inScratch, looksBinary, SCRATCH_FOLDER } from '../workspace';
import { clipOutput } from './clip';
import type { SandboxRun } from './sandbox-port';

/** The files a job produced that go back into the workspace, and a note for each one that does not. */
export interface KeptChanges {
  kept: Record<string, string>;
  notes: string[];
}

/**
 * Which of a job's changed files the workspace takes. With a scratch folder
 * (QA), only files in it: QA checks Dev's work and never changes it. Without
 * one, everything but the scratch folder, which that employee cannot see.
 * Binary output is never taken as text, and a name the write-back rule
 * (`checkWriteBackPath`) refuses is noted, never renamed or written.
 */
export function keptChanges(run: SandboxRun, scratch: string | undefined): KeptChanges {
  const kept: Record<string, string> = {};
  const notes: string[] = [];
  for (const [path, content] of Object.entries(run.changedFiles)) {
    // A remote runner's result is checked again: its names must pass the same rule as a local one.
    const name = checkWriteBackPath(path);
    if (!name.ok) {
      notes.push(`${name.path}: not kept (${name.reason})`);
    } else if (looksBinary(content)) {
      notes.push(`${path}: not kept (binary, ${Buffer.byteLength(content).toLocaleString('en-US')} bytes)`);
    } else if (scratch !== undefined && !inScratch(path, scratch)) {
      notes.push(`${path}: not kept (your jobs keep only files under ${scratch})`);
    } else if (scratch === undefined && inScratch(path, SCRATCH_FOLDER)) {
      notes.push(`${path}: not kept (${SCRATCH_FOLDER} is reserved for QA)`);
    } else {
      kept[path] = content;
    }
  }
  for (const s of run.skippedFiles ?? []) notes.push(`${s.path}: not kept (${s.reason})`);
  return { kept, notes };
}

/**
 * A job's result for the model: exit code, limit, test summary, files not
 * kept, then stdout and stderr, each cut to its share of `budget` keeping
 * mostly the end, where a traceback or a test summary is.
 */
export function describeRun(run: SandboxRun, notes: string[], budget: number): string {
  const lines = [`exit code ${run.exitCode} (${run.isolation}, ${Math.round(run.durationMs)} ms)`];
  if (run.limit) lines.push(`stopped by the ${limitLabel(run.limit)} limit`);
  if (run.tests) {
    lines.push(`tests: ${run.tests.passed} passed, ${run.tests.failed} failed, ${run.tests.errors} errors`);
    if (run.tests.failing.length) lines.push(`failing: ${run.tests.failing.join(', ')}`);
  }
  if (notes.length) lines.push('files:', ...notes.slice(0, 20));
  if (notes.length > 20) lines.push(`…and ${notes.length - 20} more files not kept`);
  const head = lines.join('\n');
  const streams = [
    ['stdout', run.stdout],
    ['stderr', run.stderr],
  ].filter(([, s]) => s);
  const share = Math.max(400, Math.floor((budget - head.length - 40) / Math.max(1, streams.length)));
  const hint = 'the end is kept; run a narrower command, or write the output to a file and search it';
  const parts = streams.map(([name, s]) => `${name}:\n${clipOutput(s!, share, { headShare: 0.2, hint })}`);
  return clipOutput([head, ...parts].join('\n'), budget, { headShare: 0.3, hint });
}
