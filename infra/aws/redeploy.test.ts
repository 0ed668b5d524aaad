/**
 * A second deploy must go through. CloudFormation refuses to change an export
 * while another stack imports it, so a resource that an update replaces (the
 * runner's task definition, whenever the runner image changes) must never be
 * exported. Synthesized twice, with the runner image rebuilt in between, every
 * stack's exports and imports must be the same and name no replaced resource.
 */
import type { Stack } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { type SynthesizedApp, synthTechteam } from './testing/synth';

type Json = Record<string, unknown>;
type StackName = 'data' | 'secrets' | 'sandbox' | 'workflow' | 'api';

function templates(s: SynthesizedApp): Map<StackName, Json> {
  const out = new Map<StackName, Json>();
  for (const [name, stack] of Object.entries(s.stacks) as [StackName, Stack | undefined][])
    if (stack) out.set(name, s.template(stack).toJSON() as Json);
  return out;
}

const exportsOf = (template: Json) =>
  Object.fromEntries(
    Object.values((template['Outputs'] ?? {}) as Record<string, Json>)
      .filter((o) => o['Export'])
      .map((o) => [JSON.stringify(o['Export']), o['Value']]),
  );

function importsOf(template: Json): string[] {
  const found: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, inner] of Object.entries(v)) {
        if (k === 'Fn::ImportValue') found.push(JSON.stringify(inner));
        walk(inner);
      }
    }
  };
  walk(template['Resources']);
  return [...new Set(found)].sort();
}

/** Logical ids whose definition differs between the two templates (what an update would touch). */
function changedResources(before: Json, after: Json): string[] {
  const a = before['Resources'] as Record<string, unknown>;
  const b = after['Resources'] as Record<string, unknown>;
  return Object.keys(b).filter((id) => JSON.stringify(a[id]) !== JSON.stringify(b[id]));
}

const referencedIds = (value: unknown): string[] =>
  [...JSON.stringify(value).matchAll(/"(?:Ref|Fn::GetAtt)":\s*\[?"([A-Za-z0-9]+)/g)].map((m) => m[1] ?? '');

describe.each([
  { mode: 'hosted', sandbox: 'fargate' },
  { mode: 'byo', sandbox: 'ec2-gvisor' },
] as const)('a second deploy of $mode + $sandbox with a rebuilt runner image', (context) => {
  let first: Map<StackName, Json>;
  let second: Map<StackName, Json>;
  beforeAll(() => {
    first = templates(synthTechteam(context));
    second = templates(synthTechteam(context, { runnerImageRevision: 'rebuilt' }));
  });

  it('replaces the runner (the image changed)', () => {
    expect(changedResources(first.get('sandbox')!, second.get('sandbox')!).length).toBeGreaterThan(0);
  });

  it('keeps every export and import identical, and exports nothing the update touches', () => {
    for (const [name, template] of second) {
      const before = first.get(name)!;
      expect(exportsOf(template), `${name} exports`).toEqual(exportsOf(before));
      expect(importsOf(template), `${name} imports`).toEqual(importsOf(before));
      const changed = new Set(changedResources(before, template));
      for (const value of Object.values(exportsOf(template)))
        for (const id of referencedIds(value)) expect(changed.has(id), `${name} exports ${id}`).toBe(false);
    }
  });

  it('changes nothing in the stacks that import from the sandbox', () => {
    for (const name of ['workflow', 'api'] as const)
      expect(changedResources(first.get(name)!, second.get(name)!), name).toEqual([]);
  });
});
