import { spawn } from 'node:child_process';
import {
  canChangeStatus,
  type EventKind,
  type IronflowEvent,
  isTerminalStatus,
  type RunStatus,
  validateEvent,
} from '@ironflow/engine';
import { within } from '@ironflow/test-support';
import { describe, expect, it } from 'vitest';
import { type DemoAction, simulateRun } from '../src/demo-run.js';
import { cleanEnv, cliPath, repoRoot, runCli, serversKilledAfterEach } from './support/built.js';

/** A small seeded PRNG (mulberry32), so the simulation test is the same on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every problem with the runs' status sequences, in log order; [] when all is well. */
function runProblems(events: readonly IronflowEvent[]): string[] {
  const problems: string[] = [];
  const status = new Map<string, RunStatus>();
  events.forEach((event, index) => {
    if (!('run_id' in event)) return;
    const current = status.get(event.run_id);
    if (event.type === 'run_created') {
      if (current !== undefined) problems.push(`${index}: run ${event.run_id} created twice`);
      status.set(event.run_id, 'pending');
      return;
    }
    if (current === undefined) {
      problems.push(`${index}: ${event.type} before run_created`);
      return;
    }
    if (isTerminalStatus(current) && event.type !== 'run_failed')
      problems.push(`${index}: ${event.type} after the run became ${current}`);
    if (event.type === 'run_status_changed') {
      if (event.from !== current) problems.push(`${index}: from ${event.from} but the run is ${current}`);
      if (!canChangeStatus(event.from, event.to)) problems.push(`${index}: ${event.from} → ${event.to}`);
      status.set(event.run_id, event.to);
    }
    if (event.type === 'run_failed') {
      const previous = events[index - 1];
      if (
        previous?.type !== 'run_status_changed' ||
        previous.to !== 'failed' ||
        previous.run_id !== event.run_id
      )
        problems.push(`${index}: run_failed not right after its change to failed`);
    }
  });
  return problems;
}

describe('simulateRun', () => {
  it('walks only allowed status paths, ends every run terminal, and covers every run event kind', () => {
    const random = seeded(42);
    const events: IronflowEvent[] = [];
    const finals = new Set<RunStatus>();
    const statuses = new Set<RunStatus>();
    for (let run = 0; run < 300; run += 1) {
      const simulation = simulateRun(random);
      for (let step = simulation.next(); ; step = simulation.next()) {
        if (step.done) {
          finals.add(step.value);
          break;
        }
        for (const input of inputsOf(step.value)) {
          const result = validateEvent(input);
          if (!result.ok) throw new Error(JSON.stringify(result.issues));
          events.push(result.event);
          if (result.event.type === 'run_status_changed') statuses.add(result.event.to);
        }
      }
    }
    expect(runProblems(events)).toEqual([]);
    expect([...finals].sort()).toEqual(['cancelled', 'completed', 'failed', 'warning']);
    expect([...statuses].sort()).toEqual([
      'awaiting_approval',
      'cancelled',
      'completed',
      'failed',
      'retrying',
      'running',
      'warning',
    ]);
    const kinds = new Set(events.map((event) => event.type));
    expect([...kinds].sort()).toEqual(
      [
        'approval_escalated',
        'approval_granted',
        'approval_rejected',
        'approval_requested',
        'log_line',
        'run_created',
        'run_failed',
        'run_status_changed',
        'step_completed',
        'step_failed',
      ].sort(),
    );
    const stepKinds = new Set(events.flatMap((event) => ('kind' in event ? [event.kind] : [])));
    expect([...stepKinds].sort()).toEqual(['agent', 'http', 'shell']);
  });
});

function inputsOf(action: DemoAction): unknown[] {
  if (action.kind === 'events') return [...action.events];
  return action.lines.map((line) => ({
    type: 'log_line',
    id: crypto.randomUUID(),
    run_id: action.runId,
    step_id: action.stepId,
    step_name: action.stepName,
    stream: action.stream,
    line,
  }));
}

const spawnBuilt = serversKilledAfterEach();

async function startServer(): Promise<string> {
  const server = spawnBuilt({ PORT: '0' });
  const line = await within(
    10_000,
    'the "ironflow listening" log line',
    server.logLine((l) => l.msg === 'ironflow listening'),
  );
  return line.url as string;
}

/** Spawns `ironflow demo`, collecting its output; `exited` resolves with code and output. */
function spawnDemo(args: string[]) {
  const child = spawn(process.execPath, [cliPath, 'demo', ...args], { cwd: repoRoot, env: cleanEnv() });
  let stdout = '';
  let stderr = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const waiter of waiters.filter((w) => stdout.includes(w.text))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
  const printed = (text: string) =>
    stdout.includes(text)
      ? Promise.resolve()
      : new Promise<void>((resolve) => waiters.push({ text, resolve }));
  return { child, exited, printed };
}

/** Reads every retained event from the stream (`last_event_id=earliest`) until `count` arrived. */
async function readEvents(url: string, count: number): Promise<IronflowEvent[]> {
  const { stdout: token } = await runCli(['token', '--user', 'demo-watcher', '--admin']);
  const controller = new AbortController();
  const response = await fetch(`${url}/api/v1/events?last_event_id=earliest`, {
    headers: { authorization: `Bearer ${token.trim()}` },
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const events: IronflowEvent[] = [];
  let buffer = '';
  try {
    await within(
      10_000,
      `${count} events on the stream`,
      (async () => {
        while (events.length < count) {
          const { done, value } = await reader.read();
          if (done) throw new Error(`stream ended after ${events.length} events`);
          buffer += decoder.decode(value, { stream: true });
          const messages = buffer.split('\n\n');
          buffer = messages.pop() ?? '';
          for (const message of messages) {
            const data = message.split('\n').find((line) => line.startsWith('data: '));
            if (data === undefined) continue;
            const result = validateEvent(JSON.parse(data.slice('data: '.length)));
            if (!result.ok) throw new Error(`invalid event on the stream: ${JSON.stringify(result.issues)}`);
            events.push(result.event);
          }
        }
      })(),
    );
  } finally {
    controller.abort();
  }
  return events;
}

describe('ironflow demo', () => {
  it('publishes runs for --duration; the stream carries exactly them, valid and in allowed order', async () => {
    const url = await startServer();
    const demo = spawnDemo(['--url', url, '--rate', '200', '--runs', '5', '--duration', '2']);
    const { code, stdout, stderr } = await within(15_000, 'the demo to finish', demo.exited);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const published = Number(/published (\d+) events in (\d+\.\d) s/.exec(stdout)?.[1]);
    // 200/s for 2 s is 400 (plus one action's overshoot); a loaded machine may fall short, never over.
    expect(published).toBeGreaterThanOrEqual(50);
    expect(published).toBeLessThanOrEqual(410);
    expect(stdout).toMatch(/runs: \d+ started, .*\d+ in progress/);

    const events = await readEvents(url, published);
    expect(events).toHaveLength(published);
    expect(runProblems(events)).toEqual([]);
    const kinds = new Set<EventKind>(events.map((event) => event.type));
    for (const kind of ['run_created', 'run_status_changed', 'step_completed', 'log_line'] as const)
      expect(kinds).toContain(kind);
    for (const [kind, n] of stdout.matchAll(/(\w+) (\d+)(?:,|\n)/g)) {
      if (kinds.has(kind as EventKind))
        expect(
          events.filter((event) => event.type === kind),
          kind,
        ).toHaveLength(Number(n));
    }
  });

  it('stops on Ctrl-C (SIGINT) with exit code 0 and a summary', async () => {
    const url = await startServer();
    const demo = spawnDemo(['--url', url, '--rate', '50']);
    await within(10_000, 'the demo to start', demo.printed('until Ctrl-C'));
    const before = Date.now();
    demo.child.kill('SIGINT');
    const { code, stdout } = await within(10_000, 'the demo to stop', demo.exited);
    expect(code).toBe(0);
    expect(Date.now() - before).toBeLessThan(5000); // it stops after the request in flight
    expect(stdout).toMatch(/published \d+ events in/);
  });

  it('explains an unreachable server and a wrong worker token, exit code 1', async () => {
    const url = await startServer();
    const wrongToken = spawn(process.execPath, [cliPath, 'demo', '--url', url, '--duration', '1'], {
      cwd: repoRoot,
      env: cleanEnv({ WORKER_TOKEN: 'not-the-token' }),
    });
    let stderr = '';
    wrongToken.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const code = await within(10_000, 'the demo to fail', new Promise((r) => wrongToken.on('exit', r)));
    expect(code).toBe(1);
    expect(stderr).toContain('answered 401: INVALID_WORKER_TOKEN');

    const refused = await runCli(['demo', '--url', 'http://127.0.0.1:9', '--duration', '1']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('cannot reach http://127.0.0.1:9');
  });
});
