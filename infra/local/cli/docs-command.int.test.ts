import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostTestConfig } from '@techteam/shared/testing/host';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Host, startHost } from '../host';
import { docsCommand } from './docs-command';
import type { CliIo } from './io';

function captureIo(url: string) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    url,
    isTty: false,
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    progress: () => {},
    clearProgress: () => {},
  };
  return { io, out, err, text: () => out.join('\n'), errors: () => err.join('\n') };
}

describe('techteam docs against a running host', () => {
  let host: Host;
  let folder: string;
  const docs = async (...argv: string[]) => {
    const c = captureIo(host.url);
    const code = await docsCommand(argv, c.io, {});
    return { code, out: c.text(), err: c.errors() };
  };
  beforeAll(async () => {
    host = await startHost({ config: hostTestConfig(), log: () => {}, retryIntervalMs: 0 });
    folder = mkdtempSync(join(tmpdir(), 'tt-docs-'));
  });
  afterAll(async () => {
    await host.stop();
  });

  it('adds a file and follows its ingestion to indexed, lists it with its status, and removes it by name', async () => {
    const file = join(folder, 'deploy-guide.md');
    writeFileSync(file, '# Deploy\n\n## Rollback\nRedeploy the previous artifact.\n');
    const added = await docs('add', file, '--wait', '--poll-ms', '20');
    expect(added.code).toBe(0);
    expect(added.out).toMatch(/^Added (doc_\w+) \(deploy-guide\.md, \d+ B\): queued/m);
    expect(added.out).toMatch(/^doc_\w+: indexed \(\d+ chunks, \d+ embedded\)$/m);

    const listed = await docs('list');
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(/^doc_\w+ {2}deploy-guide\.md {2}\d+ B {2}indexed \(\d+ chunks/m);
    expect(listed.err).toMatch(/Embeddings: .*lexical/);

    const removed = await docs('rm', 'deploy-guide.md');
    expect(removed.code).toBe(0);
    expect(removed.out).toMatch(/^Deleted doc_\w+/);
    expect((await docs('list')).out).toContain('No documents yet');
  });

  it('says a file over the limit is too large, naming the limit, and exits 1', async () => {
    const file = join(folder, 'huge.txt');
    writeFileSync(file, 'word '.repeat(60_000));
    const { code, out, err } = await docs('add', file);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toMatch(/huge\.txt is too large to add \(293\.0 KiB\): .*the limit is 262144 bytes/);
  });

  it('answers an unknown name on rm and a missing file on add clearly, and prints the usage otherwise', async () => {
    const rm = await docs('rm', 'nothing.md');
    expect(rm.code).toBe(1);
    expect(rm.err).toContain("no document named 'nothing.md'");
    const add = await docs('add', join(folder, 'missing.md'));
    expect(add.code).toBe(1);
    expect(add.err).toContain('cannot read');
    const usage = await docs();
    expect(usage.code).toBe(2);
    expect(usage.err).toContain('usage: techteam docs add <file>');
  });
});
