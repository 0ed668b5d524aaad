import type { Runtime } from './job';

/** What a runtime means inside the sandbox: its programs, environment and test runner. */
export interface RuntimeProfile {
  /** Programs the job may name without a path, mapped to the sandbox's binaries. */
  aliases: Record<string, string[]>;
  env: Record<string, string>;
  testCommand: string[];
}

export const RUNTIME_PROFILES: Record<Runtime, RuntimeProfile> = {
  python: {
    aliases: {
      python: ['/usr/bin/python3'],
      python3: ['/usr/bin/python3'],
      pytest: ['/usr/bin/python3', '-m', 'pytest'],
      pip: ['/usr/bin/python3', '-m', 'pip'],
    },
    env: { PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' },
    testCommand: ['/usr/bin/python3', '-m', 'pytest', '-q', '-rfE', '-p', 'no:cacheprovider', '--color=no'],
  },
  node: {
    aliases: { node: ['/usr/bin/node'] },
    env: { NODE_DISABLE_COLORS: '1', NO_COLOR: '1' },
    testCommand: ['/usr/bin/node', '--test', '--test-reporter=tap'],
  },
};

/** The environment every job starts with: nothing from the host. */
export function jobEnvironment(runtime: Runtime): Record<string, string> {
  return {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: '/tmp',
    TMPDIR: '/tmp',
    USER: 'sandbox',
    LOGNAME: 'sandbox',
    LANG: 'C.UTF-8',
    ...RUNTIME_PROFILES[runtime].env,
  };
}

export function testCommand(runtime: Runtime): string[] {
  return [...RUNTIME_PROFILES[runtime].testCommand];
}
