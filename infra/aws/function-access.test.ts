/**
 * The access table must say what the handlers do: read from their sources, so
 * a handler that starts using the gateway or Step Functions without its
 * function-access.ts entry changing fails here, not in production.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { handlerEntry, lambdaHandlers } from './bundling';
import { readsProviderKeys } from './function-access';

const LIFECYCLE_CALLS = {
  submitTask: 'start',
  resumeTask: 'start',
  cancelTask: 'stop',
  approveTask: 'respond',
  rejectTask: 'respond',
} as const;

describe('function access table', () => {
  for (const h of lambdaHandlers()) {
    const source = readFileSync(handlerEntry(h.file), 'utf8');

    it(`${h.name}: table access iff the handler builds a runtime`, () => {
      // liveDeps() (shared/live) builds deps() inside.
      expect(h.access.table !== 'none').toBe(
        source.includes('@techteam/shared/deps') || /\bliveDeps\(\)/.test(source),
      );
    });

    it(`${h.name}: provider keys iff the handler uses the model gateway (modelDeps, readingDeps, teamDeps) or the model directory`, () => {
      expect(readsProviderKeys(h.access)).toBe(
        /@techteam\/shared\/deps\/(models|reading|team)'/.test(source) || /\bdirectory\b/.test(source),
      );
    });

    it(`${h.name}: workspace and sandbox iff the handler uses the team runtime; workspace reads iff the workspace or reading runtime`, () => {
      const team = source.includes('@techteam/shared/deps/team');
      const reads =
        source.includes('@techteam/shared/deps/workspaces') ||
        source.includes('@techteam/shared/deps/reading');
      expect(h.access.workspace).toBe(team ? 'readWrite' : reads ? 'read' : undefined);
      expect(!!h.access.sandbox).toBe(team);
    });

    it(`${h.name}: memory access iff the handler uses the team memory (memoryDeps, or withMemory in a state)`, () => {
      expect(!!h.access.memory).toBe(source.includes('@techteam/shared/deps/memory'));
      // Only uploads queue an ingestion; only ingestion, the finishing states and the employees' recall embed.
      expect(!!h.access.memory?.enqueue).toBe(/\baddDocument\(/.test(source));
    });

    it(`${h.name}: Step Functions access matches the lifecycle call it makes`, () => {
      const calls = Object.entries(LIFECYCLE_CALLS).filter(([fn]) => new RegExp(`\\b${fn}\\(`).test(source));
      expect(h.access.execution).toBe(calls[0]?.[1]);
      expect(calls.length).toBeLessThanOrEqual(1);
    });
  }
});
