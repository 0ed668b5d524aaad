import { Card, CardTitle } from '@/components/ui/card';
import { Meter } from '@/components/ui/meter';
import { Table, Td, Th } from '@/components/ui/table';
import { type CostLine, type TaskView, usd } from '@/lib/task-view';

function Lines({ caption, lines }: { caption: string; lines: CostLine[] }) {
  return (
    <Table>
      <caption className="text-left text-xs font-medium text-muted-foreground">{caption}</caption>
      <tbody>
        {lines.length === 0 ? (
          <tr>
            <Td className="text-muted-foreground">Nothing spent yet</Td>
          </tr>
        ) : (
          lines.map((l) => (
            <tr key={l.key}>
              <Th scope="row" className="font-normal text-foreground">
                {l.key}
              </Th>
              <Td className="text-right tabular-nums">{usd(l.costMicroUsd)}</Td>
            </tr>
          ))
        )}
      </tbody>
    </Table>
  );
}

/** Cost so far, by employee and by model, beside the task's budget. */
export function CostPanel({ view, budgetMicroUsd }: { view: TaskView; budgetMicroUsd: number | undefined }) {
  const share = budgetMicroUsd ? Math.min(1, view.totalMicroUsd / budgetMicroUsd) : 0;
  return (
    <Card>
      <CardTitle>Cost</CardTitle>
      <p className="text-2xl font-semibold tabular-nums" data-testid="task-cost">
        {usd(view.totalMicroUsd)}
      </p>
      <p className="mb-2 text-xs text-muted-foreground">
        {budgetMicroUsd
          ? `of a ${usd(budgetMicroUsd)} budget`
          : 'no task budget (the tenant’s monthly cap still applies)'}
      </p>
      {budgetMicroUsd ? <Meter label="Budget spent" fraction={share} className="mb-3" /> : null}
      <div className="grid gap-2">
        <Lines caption="By employee" lines={view.costByEmployee} />
        <Lines caption="By model" lines={view.costByModel} />
      </div>
    </Card>
  );
}
