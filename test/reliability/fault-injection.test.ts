import { spawn } from 'node:child_process';
import { createTokenService } from '@ironflow/auth';
import { adminUrl, freshDatabase, psql, within } from '@ironflow/test-support';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { JWT_SECRET, mainPath, repoRoot, WORKER_TOKEN } from './support/harness.js';
import { SseReader } from './support/sse-reader.js';

// SIGTERM in the middle of a burst of ingests against the built server (`node apps/server/dist/main.js`).
// Elsewhere, not repeated here: a hanging or failing webhook does not delay streams
// (apps/server/test/webhook.test.ts), SIGKILL of one of two instances with resume on the other
// (apps/server/test/multi-instance.test.ts), a PostgreSQL LISTEN connection terminated mid-stream
// (packages/store/test/postgres-tail.test.ts).
const tokens = createTokenService({ secret: JWT_SECRET });
const ADMIN = tokens.mintAccess({
  userId: '0193a1f2-0000-7000-8000-0000000000a1',
  username: 'admin',
  isAdmin: true,
});
const RUN = '0193a1f2-7c4e-7b21-9d3a-5e6f7a8b9c0d';

interface Running {
  readonly url: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

const children: { kill(signal: NodeJS.Signals): void; exitCode: number | null }[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

async function startMain(env: Record<string, string> = {}): Promise<Running> {
  const child = spawn(process.execPath, [mainPath], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: 'info', JWT_SECRET, WORKER_TOKEN, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  let partial = '';
  const url = await within(
    20_000,
    'the "ironflow listening" line',
    new Promise<string>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) {
          const parsed = JSON.parse(line) as { msg?: string; url?: string };
          if (parsed.msg === 'ironflow listening' && parsed.url) resolve(parsed.url);
        }
      });
      child.stderr.resume();
      void exited.then(({ code }) => reject(new Error(`server exited with ${code} before listening`)));
    }),
  );
  return { url, exited, kill: (signal) => child.kill(signal) };
}

/**
 * Posts batches from `workers` parallel loops until the server stops answering; returns every cursor
 * a 202 acknowledged. `onAck` runs after each acknowledged batch (to send the signal mid-burst).
 */
async function burst(url: string, workers: number, onAck: (acked: number) => void): Promise<string[]> {
  const acked: string[] = [];
  const loop = async (w: number) => {
    for (let n = 0; ; n++) {
      let response: Response;
      try {
        response = await fetch(`${url}/api/v1/internal/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${WORKER_TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify(
            Array.from({ length: 10 }, (_, i) => ({
              type: 'run_created',
              run_id: RUN,
              workflow_name: `w${w}-${n}-${i}`,
            })),
          ),
        });
      } catch {
        return; // refused or reset: the server is gone
      }
      if (response.status !== 202) {
        expect(response.status).toBe(503);
        await response.body?.cancel();
        return;
      }
      const { data } = (await response.json()) as { data: { first_id: string; accepted: number } };
      const epoch = data.first_id.slice(0, data.first_id.lastIndexOf('-'));
      const first = Number(data.first_id.slice(data.first_id.lastIndexOf('-') + 1));
      for (let i = 0; i < data.accepted; i++) acked.push(`${epoch}-${String(first + i).padStart(16, '0')}`);
      onAck(acked.length);
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, w) => loop(w)));
  return acked;
}

describe('SIGTERM during a burst of ingests (built server)', () => {
  it('in memory: streams end cleanly, exit 0, and a follower holds every acknowledged event', async () => {
    const server = await startMain();
    const follower = await SseReader.open(`${server.url}/api/v1/events?last_event_id=earliest`, {
      authorization: `Bearer ${ADMIN}`,
    });
    expect(follower.status).toBe(200);
    let signalled = false;
    const acked = await within(
      30_000,
      'the burst to be cut by the shutdown',
      burst(server.url, 6, (count) => {
        if (!signalled && count >= 500) {
          signalled = true;
          server.kill('SIGTERM');
        }
      }),
    );
    expect(await within(15_000, 'the process to exit', server.exited)).toEqual({ code: 0, signal: null });
    await follower.waitFor(() => follower.ended, 'the stream to end');
    const received = new Set(follower.messages.map((m) => m.id));
    expect(acked.length).toBeGreaterThanOrEqual(500);
    expect(acked.filter((cursor) => !received.has(cursor))).toEqual([]);
    expect(follower.messages.length).toBe(received.size);
  }, 60_000);
});

describe.skipIf(adminUrl === '')('SIGTERM during a burst of ingests (built server, PostgreSQL)', () => {
  const database = freshDatabase('ironflow_fault');
  const databaseUrl = database.url;
  beforeAll(async () => {
    await database.create();
  });
  afterAll(async () => {
    await database.drop();
  });

  it('exits 0 and every acknowledged event is in the table afterwards', async () => {
    const server = await startMain({ DATABASE_URL: databaseUrl });
    let signalled = false;
    const acked = await within(
      30_000,
      'the burst to be cut by the shutdown',
      burst(server.url, 6, (count) => {
        if (!signalled && count >= 300) {
          signalled = true;
          server.kill('SIGTERM');
        }
      }),
    );
    expect(await within(15_000, 'the process to exit', server.exited)).toEqual({ code: 0, signal: null });
    const epoch = (await psql(databaseUrl, 'SELECT epoch FROM ironflow_meta')).trim();
    const stored = new Set(
      (await psql(databaseUrl, 'SELECT seq FROM ironflow_events ORDER BY seq'))
        .trim()
        .split('\n')
        .map((seq) => `${epoch}-${seq.padStart(16, '0')}`),
    );
    expect(acked.length).toBeGreaterThanOrEqual(300);
    expect(acked.filter((cursor) => !stored.has(cursor))).toEqual([]);
  }, 60_000);
});
