'use client';
import dagre from '@dagrejs/dagre';
import { Background, type Edge, type Node, Position, ReactFlow } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useMemo } from 'react';
import type { Plan, StepStatus } from '@/lib/types';

const W = 200;
const H = 64;
const COLOURS: Record<StepStatus, string> = {
  pending: '#9ca3af',
  running: '#0ea5e9',
  succeeded: '#10b981',
  failed: '#ef4444',
  skipped: '#a3a3a3',
};

/** Steps laid out left to right by dagre from their dependencies; each node shows its state and employee. */
export function layoutPlan(plan: Plan, states: Record<string, StepStatus>): { nodes: Node[]; edges: Edge[] } {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 24, ranksep: 48 });
  g.setDefaultEdgeLabel(() => ({}));
  const ids = new Set(plan.steps.map((s) => s.id));
  for (const s of plan.steps) g.setNode(s.id, { width: W, height: H });
  const edges: Edge[] = [];
  for (const s of plan.steps)
    for (const d of s.dependsOn)
      if (ids.has(d)) {
        g.setEdge(d, s.id);
        edges.push({ id: `${d}->${s.id}`, source: d, target: s.id, animated: states[s.id] === 'running' });
      }
  dagre.layout(g);
  const nodes: Node[] = plan.steps.map((s) => {
    const p = g.node(s.id);
    const state = states[s.id] ?? 'pending';
    return {
      id: s.id,
      position: { x: p.x - W / 2, y: p.y - H / 2 },
      // Fixed dimensions: React Flow shows a node without them only once it has measured it, and a
      // node re-created with a new state (a live update) keeps its size, so it is never measured
      // again and would stay hidden.
      width: W,
      height: H,
      data: {
        label: (
          <div data-step={s.id} data-state={state} className="text-left">
            <div className="truncate text-xs font-semibold">{s.title}</div>
            <div className="text-[11px] opacity-80">
              {s.employee} · {state}
            </div>
          </div>
        ),
      },
      style: {
        borderColor: COLOURS[state],
        borderWidth: 2,
        background: 'var(--card)',
        color: 'var(--foreground)',
      },
      sourcePosition: Position.Right,
      targetPosition: Position.Left,
      connectable: false,
      draggable: false,
    };
  });
  return { nodes, edges };
}

export function PlanGraph({ plan, states }: { plan: Plan; states: Record<string, StepStatus> }) {
  const { nodes, edges } = useMemo(() => layoutPlan(plan, states), [plan, states]);
  return (
    <div className="h-72 w-full" data-testid="plan-graph">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        fitView
        fitViewOptions={{ maxZoom: 1 }}
        proOptions={{ hideAttribution: true }}
        nodesConnectable={false}
        colorMode="system"
      >
        <Background />
      </ReactFlow>
      <ol className="sr-only">
        {plan.steps.map((s) => (
          <li key={s.id}>
            {s.title} by {s.employee}: {states[s.id] ?? 'pending'}
          </li>
        ))}
      </ol>
    </div>
  );
}
