import { randomUUID } from 'node:crypto';
import {
  allowedNextStatuses,
  type EventInputOf,
  type EventKind,
  type LogStream,
  type RunStatus,
  runStatusChangeEvents,
} from '@ironflow/engine';

/** Something a simulated worker sends: events for `POST /internal/events`, or a batch of log lines. */
export type DemoAction =
  | { readonly kind: 'events'; readonly events: readonly EventInputOf<EventKind>[] }
  | {
      readonly kind: 'logs';
      readonly runId: string;
      readonly stepId: string;
      readonly stepName: string;
      readonly stream: LogStream;
      readonly lines: readonly string[];
    };

interface StepPlan {
  readonly name: string;
  /** `approval` is a human gate, not a step kind. */
  readonly kind: 'shell' | 'http' | 'agent' | 'approval';
}

interface WorkflowPlan {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly steps: readonly StepPlan[];
}

const WORKFLOWS: readonly WorkflowPlan[] = [
  {
    name: 'deploy-api',
    labels: { env: 'staging', team: 'platform' },
    steps: [
      { name: 'checkout', kind: 'shell' },
      { name: 'build', kind: 'shell' },
      { name: 'integration-tests', kind: 'shell' },
      { name: 'release-gate', kind: 'approval' },
      { name: 'rollout', kind: 'http' },
      { name: 'notify-slack', kind: 'http' },
    ],
  },
  {
    name: 'nightly-etl',
    labels: { schedule: 'nightly' },
    steps: [
      { name: 'extract-orders', kind: 'http' },
      { name: 'transform', kind: 'shell' },
      { name: 'load-warehouse', kind: 'shell' },
      { name: 'summarize', kind: 'agent' },
    ],
  },
  {
    name: 'triage-issues',
    labels: { repo: 'ironflow' },
    steps: [
      { name: 'fetch-issues', kind: 'http' },
      { name: 'classify', kind: 'agent' },
      { name: 'draft-replies', kind: 'agent' },
      { name: 'post-labels', kind: 'http' },
    ],
  },
  {
    name: 'release-notes',
    labels: { repo: 'ironflow', channel: 'stable' },
    steps: [
      { name: 'collect-commits', kind: 'shell' },
      { name: 'draft-notes', kind: 'agent' },
      { name: 'editor-review', kind: 'approval' },
      { name: 'publish', kind: 'http' },
    ],
  },
];

const OUTPUT: Record<StepPlan['kind'], readonly string[]> = {
  shell: [
    '$ pnpm install --frozen-lockfile',
    'Packages: +812',
    'Done in 4.2s',
    '$ pnpm run build',
    'tsc -p tsconfig.json',
    '✓ 214 tests passed (3.1s)',
    'wrote dist/ (1.4 MiB)',
    'rows processed: 48213',
  ],
  http: [
    'POST https://deploy.internal/api/rollouts → 201 Created (312 ms)',
    'GET https://api.example.com/v2/orders?since=24h → 200 OK (1.2 MiB)',
    'PATCH https://tracker.example.com/issues/4812 → 200 OK',
    'waiting for rollout: 3/6 pods ready',
    'waiting for rollout: 6/6 pods ready',
  ],
  agent: [
    'model call: 1832 tokens in, 412 out',
    'tool call: search_issues(query="label:bug is:open")',
    'tool result: 17 issues',
    'classified 17 issues: 9 bug, 5 question, 3 feature',
    'draft ready (642 words)',
  ],
  approval: [],
};

const WARNINGS = [
  'warning: deprecated option --legacy-peer-deps',
  'npm WARN cache: retrying fetch',
  'slow response from upstream (2.4 s)',
];

const FAILURES: Record<StepPlan['kind'], readonly string[]> = {
  shell: ['exit status 1: 3 tests failed', 'exit status 137: killed (out of memory)'],
  http: ['503 Service Unavailable from https://deploy.internal', 'timeout after 30000 ms'],
  agent: ['model refused: context length exceeded', 'rate limited by the model provider'],
  approval: [],
};

const APPROVERS = ['alice', 'bob', 'carol', 'dmitri'];

/** Chances that shape a simulated run; 0 turns a branch off, 1 forces it. */
export interface DemoOdds {
  /** A run is cancelled before it starts. @default 0.04 */
  readonly cancelBeforeStart: number;
  /** A step fails. @default 0.12 */
  readonly stepFails: number;
  /** A failed step is retried once (else the run fails). @default 0.6 */
  readonly retryFailedStep: number;
  /** An approval gate is rejected (the run is cancelled). @default 0.25 */
  readonly rejectApproval: number;
  /** An approval gate misses its deadline and is escalated to a group first. @default 0.3 */
  readonly escalateApproval: number;
  /** A run that succeeds ends in `warning` (done, with warnings) rather than `completed`. @default 0.1 */
  readonly finishWithWarning: number;
}

export const DEFAULT_DEMO_ODDS: DemoOdds = {
  cancelBeforeStart: 0.04,
  stepFails: 0.12,
  retryFailedStep: 0.6,
  rejectApproval: 0.25,
  escalateApproval: 0.3,
  finishWithWarning: 0.1,
};

/**
 * One realistic workflow run, as the actions a worker would send in order: created, started,
 * steps logging and completing or failing (and being retried), approvals (with their requirement)
 * escalated, granted or rejected, and a final status (`completed`, or `warning` when it succeeded
 * with warnings). Every status change is one the engine allows from the run's current status
 * (checked with `allowedNextStatuses`, and again by `runStatusChangeEvents`), and a change to
 * `failed` carries its `run_failed`.
 */
export function* simulateRun(
  random: () => number = Math.random,
  odds: DemoOdds = DEFAULT_DEMO_ODDS,
): Generator<DemoAction, RunStatus> {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const chance = (p: number) => random() < p;
  const workflow = pick(WORKFLOWS);
  const runId = randomUUID();
  const base = { run_id: runId, workflow_name: workflow.name };
  let status: RunStatus = 'pending';
  let costUsd = 0;
  let durationMs = 0;

  function change(to: RunStatus, error: string | null = null): DemoAction {
    if (!allowedNextStatuses(status).includes(to)) throw new Error(`demo bug: ${status} → ${to}`);
    const events = runStatusChangeEvents({
      ...base,
      from: status,
      to,
      error,
      cost_usd: Number(costUsd.toFixed(6)),
      duration_ms: durationMs,
      labels: workflow.labels,
    });
    status = to;
    return { kind: 'events', events };
  }
  const events = (...list: EventInputOf<EventKind>[]): DemoAction => ({ kind: 'events', events: list });
  const logs = (step: { id: string; name: string }, stream: LogStream, lines: string[]): DemoAction => ({
    kind: 'logs',
    runId,
    stepId: step.id,
    stepName: step.name,
    stream,
    lines,
  });

  yield events({ type: 'run_created', ...base });
  if (chance(odds.cancelBeforeStart)) {
    yield change('cancelled', 'cancelled before it started');
    return status;
  }
  yield change('running');

  for (const plan of workflow.steps) {
    const step = { id: randomUUID(), name: plan.name };
    if (plan.kind === 'approval') {
      const requirement = {
        required_approvers: 1,
        approver_groups: ['release'],
        reason: `${workflow.name} ships`,
      };
      yield events({
        type: 'approval_requested',
        run_id: runId,
        step_id: step.id,
        message: `Approve ${workflow.name} (${plan.name})?`,
        requirement,
      });
      yield change('awaiting_approval');
      if (chance(odds.escalateApproval)) {
        yield events({
          type: 'approval_escalated',
          run_id: runId,
          step_id: step.id,
          step_name: plan.name,
          stage: 0,
          policy: 'escalate',
          action: 'reassigned',
          reason: 'approval deadline of 900s expired',
          assignee: 'group:release-managers',
        });
      }
      const approver = pick(APPROVERS);
      if (chance(odds.rejectApproval)) {
        yield events({
          type: 'approval_rejected',
          run_id: runId,
          step_id: step.id,
          rejected_by: approver,
          requirement,
        });
        yield change('cancelled', `approval rejected by ${approver}`);
        return status;
      }
      yield events({
        type: 'approval_granted',
        run_id: runId,
        step_id: step.id,
        approved_by: approver,
        approvals_received: 1,
        approvals_required: requirement.required_approvers,
        requirement,
      });
      yield change('running');
      continue;
    }

    for (let attempt = 1; ; attempt += 1) {
      yield logs(step, 'system', [`starting ${plan.name} (${plan.kind}), attempt ${attempt}`]);
      const lines = OUTPUT[plan.kind];
      for (let chunk = 1 + Math.floor(random() * 3); chunk > 0; chunk -= 1) {
        const count = 1 + Math.floor(random() * 3);
        yield logs(
          step,
          'stdout',
          Array.from({ length: count }, () => pick(lines)),
        );
        if (chance(0.15)) yield logs(step, 'stderr', [pick(WARNINGS)]);
      }
      const stepMs = 200 + Math.floor(random() * (plan.kind === 'agent' ? 20_000 : 6000));
      const stepCost = plan.kind === 'agent' ? Number((0.002 + random() * 0.05).toFixed(4)) : 0;
      durationMs += stepMs;
      costUsd += stepCost;

      if (!chance(odds.stepFails)) {
        yield events({
          type: 'step_completed',
          run_id: runId,
          step_id: step.id,
          step_name: plan.name,
          kind: plan.kind,
          duration_ms: stepMs,
          cost_usd: stepCost,
        });
        break;
      }
      const error = pick(FAILURES[plan.kind]);
      yield logs(step, 'stderr', [error]);
      yield events({
        type: 'step_failed',
        run_id: runId,
        step_id: step.id,
        step_name: plan.name,
        kind: plan.kind,
        error,
      });
      if (attempt > 1 || !chance(odds.retryFailedStep)) {
        yield change('failed', `step ${plan.name} failed: ${error}`);
        return status;
      }
      yield change('retrying', `step ${plan.name} failed: ${error}`);
      yield logs(step, 'system', [`retrying ${plan.name}`]);
      yield change('running');
    }
  }
  yield change(chance(odds.finishWithWarning) ? 'warning' : 'completed');
  return status;
}

/** How many events an action becomes on the server. */
export function actionSize(action: DemoAction): number {
  return action.kind === 'events' ? action.events.length : action.lines.length;
}
