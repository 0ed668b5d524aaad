import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dockerfile = readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'Dockerfile'), 'utf8');
const arg = (name: string) => new RegExp(`^ARG ${name}=(\\S+)$`, 'm').exec(dockerfile)?.[1];

describe('the runner image build (ec2-gvisor)', () => {
  it("pins a gVisor release of runsc and checks its SHA-512 before use, never Debian's build", () => {
    expect(arg('RUNSC_VERSION')).toMatch(/^20\d{6}\.\d+$/);
    expect(arg('RUNSC_SHA512')).toMatch(/^[0-9a-f]{128}$/);
    // The Dockerfile's own shell variables, matched as written.
    const shell = (name: string) => `\${${name}}`;
    expect(dockerfile).toContain(
      `https://storage.googleapis.com/gvisor/releases/release/${shell('RUNSC_VERSION')}/x86_64/runsc`,
    );
    expect(dockerfile).toContain(`echo "${shell('RUNSC_SHA512')}  /usr/bin/runsc" | sha512sum -c -`);
    // The check comes between the download and any use of the binary.
    const download = dockerfile.indexOf('curl -fsSL -o /usr/bin/runsc');
    const check = dockerfile.indexOf('sha512sum -c -');
    expect(download).toBeGreaterThan(0);
    expect(check).toBeGreaterThan(download);
    expect(dockerfile).not.toMatch(/apt-get install[^\n]*\brunsc\b/);
  });
});
