'use client';
import { useEffect, useState } from 'react';

type Highlight = (text: string, path: string) => string;
let loading: Promise<Highlight> | undefined;

/** highlight.js's core and four languages, loaded on first use (about 20 KB gzip, against shiki's ~200+). */
function loadHighlighter(): Promise<Highlight> {
  loading ??= Promise.all([
    import('highlight.js/lib/core'),
    import('highlight.js/lib/languages/python'),
    import('highlight.js/lib/languages/javascript'),
    import('highlight.js/lib/languages/typescript'),
    import('highlight.js/lib/languages/json'),
  ]).then(([core, py, js, ts, json]) => {
    const hljs = core.default;
    hljs.registerLanguage('python', py.default);
    hljs.registerLanguage('javascript', js.default);
    hljs.registerLanguage('typescript', ts.default);
    hljs.registerLanguage('json', json.default);
    const byExt: Record<string, string> = {
      py: 'python',
      js: 'javascript',
      mjs: 'javascript',
      cjs: 'javascript',
      ts: 'typescript',
      json: 'json',
    };
    return (text, path) => {
      const lang = byExt[path.split('.').pop() ?? ''];
      return lang ? hljs.highlight(text, { language: lang }).value : hljs.highlightAuto(text).value;
    };
  });
  return loading;
}

export function CodeView({ path, text }: { path: string; text: string | undefined }) {
  const [html, setHtml] = useState<string>();
  useEffect(() => {
    setHtml(undefined);
    if (text === undefined) return;
    let live = true;
    loadHighlighter().then((h) => live && setHtml(h(text, path)));
    return () => {
      live = false;
    };
  }, [path, text]);
  if (text === undefined) return <div className="h-40 animate-pulse rounded bg-muted" />;
  return (
    <pre
      className="max-h-[30rem] overflow-auto rounded bg-muted p-2 text-xs"
      data-testid="code-view"
      data-path={path}
    >
      {html === undefined ? (
        <code>{text}</code>
      ) : (
        // biome-ignore lint/security/noDangerouslySetInnerHtml: highlight.js escapes the file's text and adds only its spans.
        <code dangerouslySetInnerHTML={{ __html: html }} />
      )}
    </pre>
  );
}
