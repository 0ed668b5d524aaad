/**
 * The shapes of the public HTTP API the dashboard reads, written from the API's answers (the
 * dashboard talks to Techteam only over HTTP and WebSocket, as a customer's code would).
 */
export type TaskStatus =
  | 'queued'
  | 'planning'
  | 'awaiting_approval'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'cancelled';

export const TASK_STATUSES: readonly TaskStatus[] = [
  'queued',
  'planning',
  'awaiting_approval',
  'running',
  'succeeded',
  'failed',
  'cancelled',
];

export type Preference = 'quality' | 'balanced' | 'cheap';

export interface TokenTotals {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  costMicroUsd: number;
}

export interface Task {
  id: string;
  title: string;
  prompt: string;
  status: TaskStatus;
  preference: Preference;
  requireApproval: boolean;
  budgetMicroUsd?: number;
  stepCount: number;
  stepsDone: number;
  totals: TokenTotals;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
  failure?: { code: string; message: string };
  summary?: string;
  notes?: Array<{ at: string; text: string }>;
  /** The team the task chose; absent: the whole roster, each with its own models. */
  team?: { employees: string[]; models?: Record<string, string> };
}

export interface PlanStep {
  id: string;
  employee: string;
  title: string;
  instructions: string;
  dependsOn: string[];
  acceptance: string;
}

export interface Plan {
  summary: string;
  steps: PlanStep[];
  revision?: number;
}

export type StepStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped';

export interface StepResult {
  stepId: string;
  status: StepStatus;
  output: string;
  round?: number;
  findings?: string;
  failingTests?: string[];
  testOutput?: string;
}

export interface TaskDetail {
  task: Task;
  plan: Plan | null;
  steps: StepResult[];
}

interface EventBase {
  id: string;
  taskId: string;
  at: string;
  seq?: number;
}

/** The events the dashboard draws; any other type is shown as a plain line. */
export type TaskEvent = EventBase &
  (
    | {
        type: 'task_created';
        prompt: string;
        title: string;
        team?: { employees: string[]; models?: Record<string, string> };
      }
    | { type: 'status_changed'; from: TaskStatus; to: TaskStatus; reason?: string }
    | { type: 'plan_made'; plan: Plan; provider: string; model: string }
    | { type: 'step_started'; stepId: string; employee: string; title: string; index: number; total: number }
    | { type: 'message'; stepId?: string; employee: string; text: string; provider: string; model: string }
    | {
        type: 'usage';
        stepId?: string;
        employee: string;
        provider: string;
        model: string;
        inputTokens: number;
        outputTokens: number;
        cachedInputTokens: number;
        costMicroUsd: number;
      }
    | {
        type: 'step_finished';
        stepId: string;
        employee: string;
        outcome: 'succeeded' | 'failed';
        summary: string;
      }
    | { type: 'task_finished'; status: TaskStatus; summary?: string }
    | { type: 'replanned'; reason: string; steps: PlanStep[] }
    | { type: 'approval_requested'; estimateMicroUsd: number; reason: string }
    | { type: 'approval_decided'; decision: 'approved' | 'rejected'; edited: boolean; note?: string }
    | {
        type: 'tool_call';
        stepId?: string;
        employee: string;
        callId: string;
        tool: string;
        arguments: Record<string, unknown>;
      }
    | {
        type: 'tool_result';
        stepId?: string;
        employee: string;
        callId: string;
        tool: string;
        ok: boolean;
        output: string;
      }
    | { type: 'tool_refused'; stepId?: string; employee: string; tool: string; reason: string }
    | {
        type: 'sandbox_run';
        stepId?: string;
        employee: string;
        command: string;
        isolation: string;
        exitCode: number;
        durationMs: number;
        limit?: string;
        tests?: { passed: number; failed: number; errors: number };
      }
    | { type: 'verdict'; stepId: string; employee: string; round: number; passed: boolean; findings: string }
    | { type: 'handoff'; stepId: string; from: string; to: string; note: string }
    | { type: 'note_added'; text: string }
    | { type: 'error'; code: string; message: string; stepId?: string }
    | { type: 'other'; [field: string]: unknown }
  );

export interface TaskDelta {
  id: string;
  taskId: string;
  stepId?: string;
  employee: string;
  text: string;
}

export interface Sample {
  id: string;
  prompt: string;
  runtime: string;
}

export interface Employee {
  id: string;
  name: string;
  rolePrompt: string;
  allowedModels: string[];
  defaultModel: string;
  fallbacks: string[];
  tools: string[];
  maxIterations: number;
  maxTokensPerStep: number;
  temperature: number;
  budgetShare: number;
  mcpServers: Array<{ name: string; url: string }>;
  source: 'built-in' | 'tenant' | 'tenant-override';
}

export interface ModelRow {
  id: string;
  provider: string;
  live: boolean;
  contextWindow: number;
  maxOutputTokens: number;
  prices: { input: string; output: string; cachedInput: string; cacheWrite?: string };
  quality: number;
  source: 'catalog' | 'tenant' | 'config';
  unavailable?: string;
}

export interface ProviderStatus {
  name: string;
  live: boolean;
  detail: string;
}

export interface ModelsView {
  catalog: { version: string; checkedAt: string };
  demo: boolean;
  providers: ProviderStatus[];
  models: ModelRow[];
}

export interface Settings {
  /** The tenant's own cap. */
  monthlyBudgetUsd: number | null;
  /** What the gateway enforces: the lesser of the cap and, with billing on, the plan's allowance. */
  effectiveMonthlyBudgetUsd?: number | null;
  approvalThresholdUsd: number | null;
  heliconeCache: boolean;
}

export interface UsageLine {
  key: string;
  costMicroUsd: number;
  inputTokens: number;
  outputTokens: number;
  calls: number;
  /** What the line is when not an employee or a billed model (team memory, the $0 offline embedder). */
  note?: string;
}

export interface UsageView {
  month: string;
  totalMicroUsd: number;
  monthlyBudgetMicroUsd: number | null;
  byDay: UsageLine[];
  byEmployee: UsageLine[];
  byModel: UsageLine[];
}

/** `GET /v1/config`: what the dashboard reads first (served by hosts that have it; else defaults). */
export interface DashboardConfig {
  apiUrl: string;
  liveUrl: string | null;
  auth: 'none' | 'required';
  clerkPublishableKey?: string;
  /** Where Clerk's Frontend API is proxied, when it is not the instance's own domain. */
  clerkProxyUrl?: string;
  demo: boolean;
}

export interface BillingPlanSummary {
  id: string;
  name: string;
  monthlyPriceUsd: number;
  overageRate: number | null;
  monthlyCreditUsd: number;
  maxRunningTasks: number;
  modelTiers: string[];
  seats: number;
}

/** GET /v1/billing. */
export interface BillingStatus {
  enabled: boolean;
  offReason?: string;
  plan: { id: string; name: string; monthlyPriceUsd: number; overageRate: number | null };
  entitlements: {
    maxRunningTasks: number;
    monthlyCreditUsd: number;
    modelTiers: string[];
    sandboxTier: string;
    seats: number;
  };
  overageCapUsd: number;
  planAllowanceUsd: number | null;
  spendCapUsd: number | null;
  monthlyBudgetUsd: number | null;
  usage: { month: string; spentUsd: number; creditUsd: number };
  subscription: { id: string; status: string | null } | null;
  hasCustomer: boolean;
  paymentFailedAt: string | null;
  graceUntil: string | null;
  plans: BillingPlanSummary[];
}

export interface Invoice {
  id: string;
  number: string | null;
  status: string | null;
  amountDueUsd: number;
  amountPaidUsd: number;
  created: string;
  hostedInvoiceUrl: string | null;
}
