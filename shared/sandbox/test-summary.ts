import type { Runtime, TestSummary } from './job';

/** The summary of a pytest run (`-q -rfE`): counts from its last line, names from "FAILED"/"ERROR" lines. */
export function parsePytest(output: string): TestSummary {
  const summaryLine =
    output
      .split('\n')
      .reverse()
      .find(
        (line) =>
          /\d+ (passed|failed|errors?|skipped|deselected|xfailed|xpassed)/.test(line) &&
          / in [\d.]+s/.test(line),
      ) ?? '';
  const count = (word: string) => Number(new RegExp(`(\\d+) ${word}\\b`).exec(summaryLine)?.[1] ?? 0);
  const failing = [...output.matchAll(/^(?:FAILED|ERROR) (\S+?)(?: - .*)?$/gm)].map((m) => m[1]!);
  return {
    passed: count('passed'),
    failed: count('failed'),
    errors: count('errors?'),
    skipped: count('skipped'),
    failing,
  };
}

/**
 * The summary of `node --test --test-reporter=tap`. Failing names are leaf
 * tests ("suite > test"); a test file that fails to load counts as an error.
 */
export function parseNodeTap(output: string): TestSummary {
  const lines = output.split('\n');
  const stack: { indent: number; name: string }[] = [];
  const failing: string[] = [];
  let errors = 0;
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)(ok|not ok) \d+ - (.*?)(?: # (?:SKIP|TODO).*)?$/.exec(lines[i]!);
    const sub = /^(\s*)# Subtest: (.*)$/.exec(lines[i]!);
    if (sub) {
      const indent = sub[1]!.length;
      while (stack.length && stack.at(-1)!.indent >= indent) stack.pop();
      stack.push({ indent, name: sub[2]! });
      continue;
    }
    if (m?.[2] !== 'not ok') continue;
    const indent = m[1]!.length;
    while (stack.length && stack.at(-1)!.indent > indent) stack.pop();
    const parents = stack.filter((s) => s.indent < indent).map((s) => s.name);
    let failureType = '';
    for (let j = i + 1; j < lines.length && j < i + 12; j++) {
      const f = /failureType: '(\w+)'/.exec(lines[j]!);
      if (f) {
        failureType = f[1]!;
        break;
      }
      if (/^\s*(ok|not ok) \d+/.test(lines[j]!)) break;
    }
    if (failureType === 'subtestsFailed') continue;
    const name = m[3]!.replace(/^\/work\//, '');
    if (name.startsWith('/') || /\.(c|m)?[jt]s$/.test(name)) {
      errors++;
      failing.push(name);
    } else failing.push([...parents, name].join(' > '));
  }
  const num = (k: string) => Number(new RegExp(`^# ${k} (\\d+)`, 'm').exec(output)?.[1] ?? 0);
  return {
    passed: num('pass'),
    failed: Math.max(0, num('fail') - errors),
    errors: errors + num('cancelled'),
    skipped: num('skipped'),
    failing,
  };
}

export function parseTestOutput(runtime: Runtime, stdout: string): TestSummary {
  return runtime === 'python' ? parsePytest(stdout) : parseNodeTap(stdout);
}
