import { describe, expect, it } from 'vitest';
import { describeHostileCorpus } from '../../testing/hostile-corpus';
import { LocalSandbox } from './local-sandbox';

/**
 * gVisor must really run here. If runsc cannot start a sandbox on some host,
 * the first test fails naming runsc's own error instead of every case failing obscurely.
 */
describe('gVisor sandbox', () => {
  it('starts a job under runsc (if this fails, runsc cannot run on this host: see the message)', async () => {
    const sandbox = new LocalSandbox({ isolation: 'gvisor' });
    const result = await sandbox.run({
      runtime: 'python',
      command: ['python3', '-c', 'import platform; print(platform.release())'],
    });
    sandbox.close();
    if (result.exitCode !== 0) {
      throw new Error(`runsc --rootless --network=none could not run a job here: ${result.stderr.trim()}`);
    }
    expect(result.isolation).toBe('gvisor');
    // gVisor reports its own kernel, not the host's.
    expect(result.stdout.trim()).toBe('4.4.0');
  });

  describe('hostile corpus', () => {
    describeHostileCorpus(() => new LocalSandbox({ isolation: 'gvisor' }));
  });
});
