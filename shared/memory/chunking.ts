import { createHash } from 'node:crypto';

/** What a document's text is, which decides where it may be cut. */
export type ContentKind = 'markdown' | 'code' | 'text';

/** A piece of a source (a document or a memory) that is embedded and retrieved on its own. */
export interface Chunk {
  /** 0-based order in its source: the citation's position. */
  position: number;
  text: string;
  /** sha256 of the text: an unchanged chunk keeps its vector across re-uploads. */
  hash: string;
  /** The heading path (Markdown) or definition (code) the chunk sits under, when there is one. */
  section?: string;
}

export interface ChunkOptions {
  /** Most tokens in one chunk (estimated). */
  maxTokens: number;
  /** Tokens of the previous piece repeated at the start of the next, so a sentence cut at a boundary is found from both sides. */
  overlapTokens: number;
}

export const DEFAULT_CHUNKING: ChunkOptions = { maxTokens: 400, overlapTokens: 40 };

// Four characters a token is the usual English estimate; chunk sizes need no exact tokenizer,
// and this keeps chunking synchronous and free of the tokenizer's 2.7 MB tables.
export const approxTokens = (text: string): number => Math.ceil(text.length / 4);

const CODE_EXTENSIONS = /\.(ts|tsx|js|jsx|mjs|cjs|py|go|rs|java|kt|rb|php|cs|c|h|cpp|hpp|swift|scala|sh)$/i;

/** The kind of a file from its name: Markdown by `.md`, code by a known source extension, else prose. */
export function contentKindOf(name: string): ContentKind {
  if (/\.(md|markdown|mdx)$/i.test(name)) return 'markdown';
  if (CODE_EXTENSIONS.test(name)) return 'code';
  return 'text';
}

export const chunkHash = (text: string): string => createHash('sha256').update(text).digest('hex');

interface Piece {
  text: string;
  section?: string;
}

/** Markdown: one piece per heading's section, the heading path kept as its section. */
function markdownSections(text: string): Piece[] {
  const pieces: Piece[] = [];
  const path: string[] = [];
  let lines: string[] = [];
  let inFence = false;
  const flush = () => {
    const body = lines.join('\n').trim();
    if (body) pieces.push({ text: body, ...(path.length ? { section: path.join(' > ') } : {}) });
    lines = [];
  };
  // A section that is only its heading (a title over sub-sections) is carried into the next one.
  const onlyHeadings = () => lines.every((l) => !l.trim() || /^#{1,6}\s/.test(l));
  for (const line of text.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    const heading = inFence ? null : /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      if (!onlyHeadings()) flush();
      const level = heading[1]!.length;
      path.length = Math.min(path.length, level - 1);
      path[level - 1] = heading[2]!.trim();
      // A skipped level leaves holes; drop them so the path reads cleanly.
      for (let i = 0; i < path.length; i++) if (path[i] === undefined) path.splice(i--, 1);
    }
    lines.push(line);
  }
  flush();
  return pieces;
}

// A top-level definition starts at column 0 with a declaring keyword (JS/TS, Python, Go, Rust, Java-likes).
const TOP_LEVEL_DEFINITION =
  /^(export\s+)?(default\s+)?(async\s+)?(function\*?|class|interface|type|enum|const|let|var|def|fn|func|pub|impl|struct|trait|module|public|private|protected|abstract|@\w+)\b/;

/** Code: one piece per top-level definition; leading comments and decorators stay with what follows them. */
function codeDefinitions(text: string): Piece[] {
  const pieces: Piece[] = [];
  let lines: string[] = [];
  let section: string | undefined;
  let pending: string[] = [];
  const flush = () => {
    const body = lines.join('\n').trim();
    if (body) pieces.push({ text: body, ...(section ? { section } : {}) });
    lines = [];
  };
  for (const line of text.split('\n')) {
    const isComment = /^(\/\/|#(?!!)|\/\*|\*|"""|@)/.test(line);
    if (TOP_LEVEL_DEFINITION.test(line) && !line.startsWith('@')) {
      flush();
      section = line.trim().slice(0, 80);
      lines.push(...pending, line);
      pending = [];
    } else if (isComment && lines.length > 0 && (lines.at(-1) ?? '').trim() === '') {
      pending.push(line);
    } else {
      lines.push(...pending, line);
      pending = [];
    }
  }
  lines.push(...pending);
  flush();
  return pieces;
}

/** Prose: paragraphs (blank-line separated), later packed within the budget. */
function paragraphs(text: string): Piece[] {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => ({ text: p }));
}

/** Cuts a piece over the budget at line, then sentence, then word boundaries. */
function splitOversized(text: string, maxTokens: number): string[] {
  if (approxTokens(text) <= maxTokens) return [text];
  const maxChars = maxTokens * 4;
  const out: string[] = [];
  let rest = text;
  while (rest.length > maxChars) {
    const window = rest.slice(0, maxChars);
    const cut =
      [window.lastIndexOf('\n'), window.search(/[.!?]\s[^.!?]*$/) + 1, window.lastIndexOf(' ')].find(
        (i) => i > maxChars / 2,
      ) ?? maxChars;
    out.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  if (rest) out.push(rest);
  return out;
}

/** The last `tokens` worth of a text, starting at a word boundary. */
function tail(text: string, tokens: number): string {
  if (tokens <= 0) return '';
  const chars = tokens * 4;
  if (text.length <= chars) return text;
  const slice = text.slice(-chars);
  const space = slice.indexOf(' ');
  return space >= 0 ? slice.slice(space + 1) : slice;
}

/**
 * Cuts a source where its content allows: Markdown by headings, code by top-level definitions,
 * prose by paragraphs. Consecutive small pieces of the same section are packed up to the token
 * budget; an oversized one is split. Each chunk after the first of a section starts with the tail
 * of the one before it (the overlap).
 */
export function chunkText(
  text: string,
  kind: ContentKind,
  options: ChunkOptions = DEFAULT_CHUNKING,
): Chunk[] {
  const normalized = text.replace(/\r\n?/g, '\n');
  const pieces =
    kind === 'markdown'
      ? markdownSections(normalized)
      : kind === 'code'
        ? codeDefinitions(normalized)
        : paragraphs(normalized);
  const packed: Piece[] = [];
  for (const piece of pieces) {
    for (const part of splitOversized(piece.text, options.maxTokens)) {
      const last = packed.at(-1);
      // Prose paragraphs pack together; Markdown sections and code definitions stay whole units.
      const packable =
        kind === 'text' && last && approxTokens(last.text) + approxTokens(part) <= options.maxTokens;
      if (packable) last.text = `${last.text}\n\n${part}`;
      else packed.push({ text: part, ...(piece.section ? { section: piece.section } : {}) });
    }
  }
  return packed.map((piece, position) => {
    const previous = packed[position - 1];
    const overlap =
      previous && previous.section === piece.section && options.overlapTokens > 0
        ? tail(previous.text, options.overlapTokens)
        : '';
    const body = overlap ? `${overlap}\n${piece.text}` : piece.text;
    return {
      position,
      text: body,
      hash: chunkHash(body),
      ...(piece.section ? { section: piece.section } : {}),
    };
  });
}
