import { TechteamError } from '../errors';

export interface SearchQuery {
  pattern: string;
  /** A file or folder to search in; the whole workspace when absent. */
  path?: string | undefined;
  /** Treat `pattern` as a JavaScript regular expression instead of plain text. */
  regex?: boolean | undefined;
  ignoreCase?: boolean | undefined;
}

export class SearchInvalid extends TechteamError {
  constructor(message: string) {
    super('SearchInvalid', 400, message);
  }
}

/** Longest part of a line that a regular expression is tried on: bounds a pathological pattern's work. */
const MAX_LINE_TESTED = 2_000;
/** Longest part of a matching line shown. */
const MAX_LINE_SHOWN = 200;

function lineTest(q: SearchQuery): (line: string) => boolean {
  if (!q.pattern) throw new SearchInvalid('`pattern` is empty: give the text to look for');
  if (q.regex) {
    let re: RegExp;
    try {
      re = new RegExp(q.pattern, q.ignoreCase ? 'i' : '');
    } catch (e) {
      throw new SearchInvalid(
        `\`pattern\` is not a valid regular expression (${(e as Error).message}); fix it or search plain text with regex: false`,
      );
    }
    return (line) => re.test(line.slice(0, MAX_LINE_TESTED));
  }
  if (q.ignoreCase) {
    const want = q.pattern.toLowerCase();
    return (line) => line.toLowerCase().includes(want);
  }
  return (line) => line.includes(q.pattern);
}

/** Whether `file` is `scope` or lies under the folder `scope`. */
function inScope(file: string, scope: string): boolean {
  return file === scope || file.startsWith(`${scope}/`);
}

/**
 * grep over the workspace's text files: one `path:line: text` per matching
 * line, at most `maxMatches`, then how many more matched and in how many files.
 */
export function searchFiles(files: Record<string, string>, q: SearchQuery, maxMatches = 100): string {
  const test = lineTest(q);
  const scope = q.path?.replace(/^\.\/?/, '').replace(/\/+$/, '') ?? '';
  const paths = Object.keys(files)
    .filter((p) => !scope || inScope(p, scope))
    .sort();
  if (scope && paths.length === 0) return `No file or folder '${q.path}' in the workspace.`;
  const shown: string[] = [];
  let more = 0;
  const moreFiles = new Set<string>();
  for (const p of paths) {
    const lines = files[p]!.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.replace(/\r$/, '');
      if (!test(line)) continue;
      if (shown.length < maxMatches) {
        const text = line.length > MAX_LINE_SHOWN ? `${line.slice(0, MAX_LINE_SHOWN)}…` : line;
        shown.push(`${p}:${i + 1}: ${text}`);
      } else {
        more++;
        moreFiles.add(p);
      }
    }
  }
  const where = scope ? ` under ${scope}` : '';
  if (shown.length === 0) {
    return `No match for ${JSON.stringify(q.pattern)} in ${paths.length} file${paths.length === 1 ? '' : 's'}${where}.`;
  }
  if (more > 0) {
    shown.push(
      `…[${more.toLocaleString('en-US')} more matches in ${moreFiles.size} file${moreFiles.size === 1 ? '' : 's'} not shown; ` +
        'narrow the search with path or a longer pattern]',
    );
  }
  return shown.join('\n');
}
