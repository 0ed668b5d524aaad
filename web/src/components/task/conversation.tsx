import { Badge } from '@/components/ui/badge';
import { Card, CardTitle } from '@/components/ui/card';
import { type ConversationItem, limitLabel } from '@/lib/task-view';
import type { TaskDelta } from '@/lib/types';

function clip(text: string, max = 4000): string {
  return text.length > max ? `${text.slice(0, max)}\n… (${text.length - max} more characters)` : text;
}

function Item({ item }: { item: ConversationItem }) {
  switch (item.kind) {
    case 'message':
      return (
        <div>
          <div className="text-xs text-muted-foreground">
            <strong className="text-foreground">{item.employee}</strong> · {item.model}
            {item.stepId ? ` · ${item.stepId}` : ''}
          </div>
          <p className="text-sm whitespace-pre-wrap">{item.text}</p>
        </div>
      );
    case 'tool':
      // Folded: the call's name and outcome; its arguments and result one click away.
      return (
        <details className="rounded border px-2 py-1 text-sm" data-kind="tool">
          <summary className="cursor-pointer">
            <span className="text-muted-foreground">{item.employee} called</span> <code>{item.tool}</code>{' '}
            {item.result ? (
              <Badge tone={item.result.ok ? 'good' : 'bad'}>{item.result.ok ? 'ok' : 'error'}</Badge>
            ) : (
              <Badge tone="busy">running</Badge>
            )}
          </summary>
          <pre className="mt-1 max-h-48 overflow-auto text-xs whitespace-pre-wrap">
            {clip(JSON.stringify(item.arguments, null, 2))}
          </pre>
          {item.result && (
            <pre className="mt-1 max-h-48 overflow-auto border-t pt-1 text-xs whitespace-pre-wrap">
              {clip(item.result.output)}
            </pre>
          )}
        </details>
      );
    case 'sandbox': {
      const t = item.tests;
      const ok = item.exitCode === 0;
      return (
        <div className="rounded border px-2 py-1 text-sm" data-kind="sandbox">
          <span className="text-muted-foreground">{item.employee} ran</span> <code>{item.command}</code>{' '}
          <Badge tone={ok ? 'good' : 'bad'}>exit {item.exitCode}</Badge>{' '}
          {t && (
            <Badge tone={t.failed + t.errors === 0 ? 'good' : 'bad'}>
              {t.passed} passed, {t.failed} failed{t.errors ? `, ${t.errors} errors` : ''}
            </Badge>
          )}{' '}
          <span className="text-xs text-muted-foreground">
            {Math.round(item.durationMs)} ms
            {item.limit ? ` · stopped by the ${limitLabel(item.limit)} limit` : ''}
          </span>
        </div>
      );
    }
    case 'verdict':
      return (
        <div
          className="rounded border-l-4 px-2 py-1 text-sm"
          style={{ borderLeftColor: item.passed ? '#10b981' : '#ef4444' }}
          data-kind="verdict"
        >
          <strong>QA verdict</strong> on {item.stepId}, round {item.round}:{' '}
          <Badge tone={item.passed ? 'good' : 'bad'}>{item.passed ? 'passed' : 'failed'}</Badge>
          <p className="mt-1 whitespace-pre-wrap">{clip(item.findings)}</p>
        </div>
      );
    case 'handoff':
      return (
        <p className="text-sm text-muted-foreground">
          {item.from} → {item.to}: {item.note}
        </p>
      );
    case 'note':
      return (
        <p className={item.tone === 'error' ? 'text-sm text-destructive' : 'text-sm font-medium'}>
          {item.text}
        </p>
      );
  }
}

/** The team conversation: messages as they stream, tool calls folded with their results, runs and verdicts. */
export function Conversation({
  items,
  streaming,
}: {
  items: ConversationItem[];
  streaming: Pick<TaskDelta, 'employee' | 'text'> | undefined;
}) {
  return (
    <Card className="min-w-0">
      <CardTitle>Conversation</CardTitle>
      <ol className="grid max-h-[36rem] gap-2 overflow-auto" aria-live="polite" data-testid="conversation">
        {items.length === 0 && !streaming && (
          <li className="text-sm text-muted-foreground">No one has said anything yet.</li>
        )}
        {items.map((item) => (
          <li key={`${item.kind}:${item.id}`}>
            <Item item={item} />
          </li>
        ))}
        {streaming && (
          <li className="text-sm" aria-busy="true">
            <span className="text-xs text-muted-foreground">
              <strong className="text-foreground">{streaming.employee}</strong> is writing…
            </span>
            <p className="whitespace-pre-wrap opacity-80">{streaming.text}</p>
          </li>
        )}
      </ol>
    </Card>
  );
}
