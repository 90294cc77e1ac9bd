// The soak's fault mode (`pnpm soak --faults`): built server instances on a fresh PostgreSQL
// database reached through a TCP fault proxy; every few seconds the proxy drops every database
// connection, and every so often an instance is SIGKILLed and a new one started. Subscribers with
// random filters resume with Last-Event-ID on any live instance; publishers post to any live
// instance. At the end each subscriber's sequence is compared with the committed log read from
// the database: nothing lost (acknowledged or not), nothing twice, nothing out of order.
import { spawn } from 'node:child_process';
import { adminUrl, freshDatabase, psql, startTcpFaultProxy, within } from '@ironflow/test-support';
import { JWT_SECRET, mainPath, repoRoot, WORKER_TOKEN } from '../reliability/support/harness.js';
import { type SseMessage, SseReader } from '../reliability/support/sse-reader.js';
import { accessToken } from './access-token.js';
import { tallyDeliveries } from './delivery-tally.js';

export interface FaultSoakOptions {
  readonly durationMs: number;
  readonly instances: number;
  readonly subscribers: number;
  readonly publishers: number;
  /** Period of "drop every database connection". */
  readonly dropEveryMs: number;
  /** Period of "SIGKILL one instance and start another". */
  readonly killEveryMs: number;
  readonly log?: (line: string) => void;
}

export interface FaultSoakReport {
  readonly durationMs: number;
  readonly instances: number;
  readonly subscribers: number;
  readonly drops: number;
  readonly kills: number;
  readonly eventsAcknowledged: number;
  readonly eventsCommitted: number;
  readonly ingestUnavailable: number;
  readonly ingestFailed: number;
  readonly deliveries: number;
  readonly reconnects: number;
  readonly lost: number;
  readonly lostAcknowledged: number;
  readonly duplicated: number;
  readonly outOfOrder: number;
  readonly gaps: number;
  readonly mismatchedSubscribers: number;
}

const KINDS = ['run_created', 'step_completed', 'approval_granted'] as const;
const RUNS = Array.from({ length: 12 }, (_, i) => `0193a1f2-7c4e-7b21-9d3a-${String(i).padStart(12, '0')}`);
const STEP = '0193a1f2-8000-7000-8000-000000000001';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seqOf = (cursor: string) => Number(cursor.slice(cursor.lastIndexOf('-') + 1));
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;
// Instances come and go: none may be live for a moment.
const pickLive = (items: readonly Instance[]): Instance | undefined =>
  items[Math.floor(Math.random() * items.length)];

function event(kind: (typeof KINDS)[number], runId: string, n: number): Record<string, unknown> {
  if (kind === 'run_created') return { type: kind, run_id: runId, workflow_name: `soak-${n}` };
  if (kind === 'approval_granted') return { type: kind, run_id: runId, approved_by: 'soak' };
  return {
    type: kind,
    run_id: runId,
    step_id: STEP,
    step_name: 'b',
    kind: 'shell',
    duration_ms: n,
    cost_usd: 0,
  };
}

interface Instance {
  readonly url: string;
  kill(): void;
}

/**
 * Starts an instance, again if it fails to start: a database that cannot be reached at start-up
 * is fatal to the server (as it should be), and the dropper may cut it while it migrates; a
 * supervisor would restart it the same way.
 */
async function startInstance(databaseUrl: string): Promise<Instance> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(databaseUrl);
    } catch (error) {
      if (attempt >= 10) throw error;
    }
  }
}

async function startOnce(databaseUrl: string): Promise<Instance> {
  const child = spawn(process.execPath, [mainPath], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      LOG_LEVEL: 'warn',
      JWT_SECRET,
      WORKER_TOKEN,
      DATABASE_URL: databaseUrl,
      DATABASE_TIMEOUT_MS: '1000',
      SSE_MAX_STREAMS_PER_USER: '100000',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const url = await within(
    30_000,
    'an instance to listen',
    (async () => {
      for (;;) {
        const found = /listening on (http:\/\/\S+)/.exec(stderr)?.[1];
        if (found) return found;
        if (child.exitCode !== null) throw new Error(`instance exited: ${stderr}`);
        await sleep(20);
      }
    })(),
  );
  return { url, kill: () => child.kill('SIGKILL') };
}

class Subscriber {
  readonly received: number[] = [];
  /** The log's epoch, from the first event received: cursors are `<epoch>-<seq>`. */
  epoch = '';
  connects = 0;
  gaps = 0;
  stopped = false;
  private reader: SseReader | undefined;

  constructor(
    private readonly live: () => readonly Instance[],
    private readonly bearer: string,
    readonly runId: string | null,
    readonly kinds: readonly string[] | null,
  ) {}

  matches(kind: string, runId: string): boolean {
    return (
      (this.runId === null || this.runId === runId) && (this.kinds === null || this.kinds.includes(kind))
    );
  }

  async connect(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      const instance = pickLive(this.live());
      if (instance === undefined) {
        await sleep(200);
        continue;
      }
      const query = new URLSearchParams();
      if (this.runId !== null) query.set('run_id', this.runId);
      if (this.kinds !== null) query.set('types', this.kinds.join(','));
      const last = this.received.at(-1);
      if (last === undefined) query.set('last_event_id', 'earliest');
      const headers: Record<string, string> = { authorization: `Bearer ${this.bearer}` };
      if (last !== undefined) headers['last-event-id'] = `${this.epoch}-${String(last).padStart(16, '0')}`;
      try {
        const reader = await SseReader.open(`${instance.url}/api/v1/events?${query}`, headers, {
          keepData: false,
          onMessage: (message: SseMessage) => {
            if (message.event === 'gap') this.gaps++;
            else if (message.id !== undefined) {
              this.epoch = message.id.slice(0, message.id.lastIndexOf('-'));
              this.received.push(seqOf(message.id));
            }
          },
        });
        if (reader.status === 200) {
          this.connects++;
          this.reader = reader;
          void reader
            .waitFor(() => reader.ended, 'the end', 24 * 3600_000)
            .then(
              () => void this.connect(),
              () => {},
            );
          return;
        }
        reader.close();
      } catch {
        // Refused or reset (an instance just killed): try another.
      }
      await sleep(Math.min(1_000, 100 * 2 ** attempt) * (0.5 + Math.random()));
    }
  }

  stop(): void {
    this.stopped = true;
    this.reader?.close();
  }
}

export async function runFaultSoak(options: FaultSoakOptions): Promise<FaultSoakReport> {
  const say = options.log ?? (() => {});
  if (adminUrl === '') throw new Error('the fault soak needs IRONFLOW_TEST_DATABASE_URL (postgres://…)');
  const database = freshDatabase('ironflow_soak');
  await database.create();
  const { hostname, port } = new URL(adminUrl);
  const proxy = await startTcpFaultProxy({ host: hostname, port: Number(port || 5432) });
  const databaseUrl = proxy.via(database.url);
  let instances: Instance[] = [];
  const subscribers: Subscriber[] = [];
  try {
    instances = await Promise.all(
      Array.from({ length: options.instances }, () => startInstance(databaseUrl)),
    );
    say(`${instances.length} instances on ${database.url.replace(/\/\/[^@]*@/, '//')} through the proxy`);
    const live = () => instances;
    const users = Array.from({ length: 10 }, (_, i) =>
      accessToken(`0193a1f2-0000-7000-8000-${String(i).padStart(12, '0')}`),
    );
    for (let i = 0; i < options.subscribers; i++) {
      const runId = Math.random() < 0.5 ? pick(RUNS) : null;
      const kinds = Math.random() < 0.5 ? KINDS.filter(() => Math.random() < 0.6) : null;
      subscribers.push(
        new Subscriber(
          live,
          pick(users),
          runId,
          kinds !== null && kinds.length === 0 ? ['run_created'] : kinds,
        ),
      );
    }
    await Promise.all(subscribers.map((s) => s.connect()));
    say(`${subscribers.length} subscribers connected`);

    const acknowledged = new Set<number>();
    let ingestUnavailable = 0;
    let ingestFailed = 0;
    let drops = 0;
    let kills = 0;
    const deadline = Date.now() + options.durationMs;
    const publisher = async (p: number) => {
      for (let n = 0; Date.now() < deadline; n++) {
        const batch = Array.from({ length: 1 + Math.floor(Math.random() * 10) }, (_, i) =>
          event(pick(KINDS), pick(RUNS), p * 1e9 + n * 100 + i),
        );
        const instance = pickLive(instances);
        if (instance === undefined) {
          await sleep(200);
          continue;
        }
        try {
          const response = await fetch(`${instance.url}/api/v1/internal/events`, {
            method: 'POST',
            headers: { authorization: `Bearer ${WORKER_TOKEN}`, 'content-type': 'application/json' },
            body: JSON.stringify(batch),
            signal: AbortSignal.timeout(10_000),
          });
          if (response.status === 202) {
            const { data } = (await response.json()) as { data: { first_id: string; accepted: number } };
            for (let i = 0; i < data.accepted; i++) acknowledged.add(seqOf(data.first_id) + i);
          } else {
            if (response.status === 503) ingestUnavailable++;
            else ingestFailed++;
            await response.text();
          }
        } catch {
          ingestFailed++; // the instance was killed mid-request
        }
        await sleep(10 + Math.random() * 20);
      }
    };
    const dropper = async () => {
      while (Date.now() < deadline) {
        await sleep(options.dropEveryMs);
        proxy.dropAll();
        drops++;
      }
    };
    const killer = async () => {
      for (;;) {
        await sleep(options.killEveryMs);
        if (Date.now() >= deadline) return;
        const victim = pick(instances);
        victim.kill();
        instances = instances.filter((instance) => instance !== victim);
        kills++;
        instances = [...instances, await startInstance(databaseUrl)];
        say(`killed one instance, started another (${kills} so far, ${drops} drops)`);
      }
    };
    await Promise.all([
      ...Array.from({ length: options.publishers }, (_, p) => publisher(p)),
      dropper(),
      killer(),
    ]);
    say(`published; settling`);

    // The truth is the committed log, which holds the acknowledged events and any whose answer a
    // kill or a timeout lost.
    const rows = (
      await psql(database.url, 'SELECT seq, kind, run_id FROM ironflow_events ORDER BY seq', 60_000)
    )
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => {
        const [seq, kind, runId] = line.split('|') as [string, string, string];
        return { seq: Number(seq), kind, runId };
      });
    const expected = subscribers.map((s) =>
      rows.filter((row) => s.matches(row.kind, row.runId)).map((row) => row.seq),
    );
    await within(
      120_000,
      'every subscriber to catch up',
      (async () => {
        for (const [i, s] of subscribers.entries()) {
          const last = expected[i]?.at(-1);
          while (last !== undefined && (s.received.at(-1) ?? 0) < last) await sleep(50);
        }
      })(),
    ).catch((error: unknown) => say(String(error)));

    const { deliveries, lost, lostAcknowledged, duplicated, outOfOrder, mismatched } = tallyDeliveries(
      expected,
      subscribers.map((s) => s.received),
      acknowledged,
    );
    return {
      durationMs: options.durationMs,
      instances: options.instances,
      subscribers: subscribers.length,
      drops,
      kills,
      eventsAcknowledged: acknowledged.size,
      eventsCommitted: rows.length,
      ingestUnavailable,
      ingestFailed,
      deliveries,
      reconnects: subscribers.reduce((sum, s) => sum + s.connects - 1, 0),
      lost,
      lostAcknowledged,
      duplicated,
      outOfOrder,
      gaps: subscribers.reduce((sum, s) => sum + s.gaps, 0),
      mismatchedSubscribers: mismatched,
    };
  } finally {
    for (const s of subscribers) s.stop();
    for (const instance of instances) instance.kill();
    await proxy.close();
    await database.drop().catch(() => {});
  }
}
