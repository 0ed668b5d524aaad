'use client';
import { createTwoFilesPatch } from 'diff';
import { useEffect, useState } from 'react';
import { Button } from '@/components/ui/button';
import { Card, CardTitle } from '@/components/ui/card';
import { Failure } from '@/components/ui/states';
import { api } from '@/lib/api';
import { useLoad } from '@/lib/use-load';
import { CodeView } from './code-view';

/**
 * The workspace's files with syntax highlighting, and the task's diff. A task's workspace starts
 * empty, so its diff is every file it wrote, as added lines.
 */
export function FilesPanel({ taskId, round }: { taskId: string; round: number }) {
  const files = useLoad(() => api.files(taskId), `${taskId}:${round}`);
  const [open, setOpen] = useState<string>();
  const [tab, setTab] = useState<'file' | 'diff'>('file');
  const [text, setText] = useState<Record<string, string>>({});
  const [downloadError, setDownloadError] = useState<string>();
  const list = files.data?.files ?? [];
  const chosen = open ?? list[0]?.path;

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new round (the team wrote files) reads the file again.
  useEffect(() => {
    if (!chosen) return;
    let live = true;
    api.fileText(taskId, chosen).then(
      (t) => live && setText((m) => ({ ...m, [chosen]: t })),
      () => live && setText((m) => ({ ...m, [chosen]: '(could not read this file)' })),
    );
    return () => {
      live = false;
    };
  }, [taskId, chosen, round]);

  return (
    <Card className="min-w-0">
      <CardTitle
        aside={
          <a
            href={api.archiveUrl(taskId)}
            download
            className="text-sm underline"
            data-testid="download"
            onClick={(e) => {
              // Behind sign-in the link alone would be refused: fetch with the credential, save the blob.
              e.preventDefault();
              setDownloadError(undefined);
              api.archive(taskId).then(
                ({ blob, fileName }) => saveBlob(blob, fileName),
                (err: unknown) => setDownloadError(err instanceof Error ? err.message : String(err)),
              );
            }}
          >
            Download the files
          </a>
        }
      >
        Files
      </CardTitle>
      {downloadError ? (
        <p role="alert" className="text-sm text-destructive">
          {downloadError}
        </p>
      ) : null}
      {files.error ? (
        <Failure error={files.error} retry={files.reload} />
      ) : list.length === 0 ? (
        <p className="text-sm text-muted-foreground">No files yet: Dev writes them as the run goes.</p>
      ) : (
        <div className="grid gap-2">
          <div className="flex flex-wrap gap-1" role="tablist" aria-label="Files">
            {list.map((f) => (
              <Button
                key={f.path}
                size="sm"
                role="tab"
                aria-selected={f.path === chosen}
                variant={f.path === chosen ? 'default' : 'outline'}
                onClick={() => setOpen(f.path)}
              >
                {f.path}
              </Button>
            ))}
          </div>
          <div className="flex gap-1 text-sm">
            <Button
              size="sm"
              variant={tab === 'file' ? 'default' : 'ghost'}
              aria-pressed={tab === 'file'}
              onClick={() => setTab('file')}
            >
              File
            </Button>
            <Button
              size="sm"
              variant={tab === 'diff' ? 'default' : 'ghost'}
              aria-pressed={tab === 'diff'}
              onClick={() => setTab('diff')}
            >
              Diff of the task
            </Button>
          </div>
          {tab === 'file' && chosen && <CodeView path={chosen} text={text[chosen]} />}
          {tab === 'diff' && <TaskDiff taskId={taskId} paths={list.map((f) => f.path)} round={round} />}
        </div>
      )}
    </Card>
  );
}

function TaskDiff({ taskId, paths, round }: { taskId: string; paths: string[]; round: number }) {
  const diff = useLoad(
    async () => {
      const texts = await Promise.all(paths.map((p) => api.fileText(taskId, p)));
      return paths
        .map((p, i) => createTwoFilesPatch('/dev/null', `b/${p}`, '', texts[i] ?? '', '', '', { context: 3 }))
        .join('\n');
    },
    `${taskId}:${paths.join(',')}:${round}`,
  );
  if (diff.error) return <Failure error={diff.error} />;
  return (
    <pre className="max-h-[30rem] overflow-auto rounded bg-muted p-2 text-xs" data-testid="task-diff">
      {(diff.data ?? '').split('\n').map((line, i) => (
        <div
          // biome-ignore lint/suspicious/noArrayIndexKey: lines of a fixed text, never reordered.
          key={i}
          className={
            line.startsWith('+') && !line.startsWith('+++')
              ? 'text-emerald-700 dark:text-emerald-400'
              : line.startsWith('-') && !line.startsWith('---')
                ? 'text-red-700 dark:text-red-400'
                : ''
          }
        >
          {line || ' '}
        </div>
      ))}
    </pre>
  );
}

/** Saves a fetched file the way a download link would. */
function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoked after the click has handed the URL to the download.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
