import { memoryFromConfig } from '../memory/from-config';
import { loadMemoryConfig } from '../memory/memory-config';
import type { TeamMemory } from '../memory/team-memory';
import { deps } from './deps';
import { meterFor } from './meter';

let built: Promise<TeamMemory> | undefined;

/**
 * The process's team memory: the one the local host installed in its runtime, or (in a Lambda)
 * one built once from the environment, with embeddings metered through the store's meter.
 */
export function memoryDeps(): Promise<TeamMemory> {
  const rt = deps();
  if (rt.memory) return Promise.resolve(rt.memory);
  built ??= memoryFromConfig(loadMemoryConfig(process.env), rt.store, meterFor(rt.store)).then(
    (m) => m.memory,
  );
  // A failed build is not kept: the next call tries again (a secret fetched, a queue created).
  built.catch(() => {
    built = undefined;
  });
  return built;
}

/**
 * A workflow state's dependencies with the team's memory added when this process has one: a
 * stack deployed without memory settings plans and finishes tasks as before, without recall.
 */
export async function withMemory<D extends { memory?: TeamMemory }>(deps: D): Promise<D> {
  if (deps.memory || !process.env['TECHTEAM_VECTOR_INDEX']) return deps;
  const memory = await memoryDeps().catch(() => undefined);
  return memory ? { ...deps, memory } : deps;
}
