import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostTestConfig } from '@techteam/shared/testing/host';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Host, startHost } from '../host';
import { techteam } from '../testing/techteam-process';

describe('techteam docs against a running host', () => {
  let host: Host;
  let env: Record<string, string>;
  let folder: string;
  beforeAll(async () => {
    host = await startHost({ config: hostTestConfig(), log: () => {}, retryIntervalMs: 0 });
    env = { TECHTEAM_URL: host.url };
    folder = mkdtempSync(join(tmpdir(), 'tt-docs-'));
  });
  afterAll(async () => {
    await host.stop();
  });

  it('adds a file and follows its ingestion to indexed, lists it with its status, and removes it by name', async () => {
    const file = join(folder, 'deploy-guide.md');
    writeFileSync(file, '# Deploy\n\n## Rollback\nRedeploy the previous artifact.\n');
    const added = await techteam(['docs', 'add', file, '--wait', '--poll-ms', '50'], env);
    expect(added.code).toBe(0);
    expect(added.out).toMatch(/^Added (doc_\w+) \(deploy-guide\.md, [\d.]+ B\): queued/m);
    expect(added.out).toMatch(/^doc_\w+: indexed \(\d+ chunks, \d+ embedded\)$/m);

    const listed = await techteam(['docs', 'list'], env);
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(/^doc_\w+ {2}deploy-guide\.md {2}[\d.]+ B {2}indexed \(\d+ chunks/m);
    expect(listed.err).toMatch(/Embeddings: .*lexical/);

    const removed = await techteam(['docs', 'rm', 'deploy-guide.md'], env);
    expect(removed.code).toBe(0);
    expect(removed.out).toMatch(/^Deleted doc_\w+/);
    const after = await techteam(['docs', 'list'], env);
    expect(after.out).toContain('No documents yet');
  });

  it('says a file over the limit is too large, naming the limit, and exits 1', async () => {
    const file = join(folder, 'huge.txt');
    writeFileSync(file, 'word '.repeat(60_000));
    const { code, out, err } = await techteam(['docs', 'add', file], env);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toMatch(/huge\.txt is too large to add \(293\.0 KiB\): .*the limit is 262144 bytes/);
  });

  it('answers an unknown name on rm and a missing file on add clearly, and prints the usage otherwise', async () => {
    const rm = await techteam(['docs', 'rm', 'nothing.md'], env);
    expect(rm.code).toBe(1);
    expect(rm.err).toContain("no document named 'nothing.md'");
    const add = await techteam(['docs', 'add', join(folder, 'missing.md')], env);
    expect(add.code).toBe(1);
    expect(add.err).toContain('cannot read');
    const usage = await techteam(['docs'], env);
    expect(usage.code).toBe(2);
    expect(usage.err).toContain('usage: techteam docs add <file>');
  });
});
