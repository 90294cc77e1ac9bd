import { createTokenService } from '@ironflow/auth';
import { afterEach, describe, expect, it } from 'vitest';
import { type HarnessedServer, JWT_SECRET, startHarnessedServer, WORKER_TOKEN } from './support/harness.js';
import { SseReader } from './support/sse-reader.js';

// Issue 13, point 3: bounded by count only, ~2 MiB log lines killed a 512 MiB heap after ~121
// events. Here a 128 MiB heap gets 120 of them (240 MiB of JSON, twice the heap) with a 24 MiB
// bound: the process stays up and keeps at most the bound.
const HEAP_MIB = 128;
const BOUND = 24 * 1024 * 1024;
const POSTS = 120;
const LINE_CHARS = 2 * 1024 * 1024 - 512;
const RUN = '0193a1f2-7c4e-7b21-9d3a-5e6f7a8b9c0d';
const ADMIN = createTokenService({ secret: JWT_SECRET }).mintAccess({
  userId: '0193a1f2-0000-7000-8000-0000000000a1',
  username: 'admin',
  isAdmin: true,
});

let server: HarnessedServer | undefined;
afterEach(async () => {
  if (server?.child.exitCode === null) server.child.kill('SIGKILL');
  server = undefined;
});

describe('the in-memory log under ~2 MiB events (built server, small heap)', () => {
  it(`keeps at most EVENT_HISTORY_BYTES of JSON and stays up after ${POSTS} posts into a ${HEAP_MIB} MiB heap`, async () => {
    server = await startHarnessedServer({ EVENT_HISTORY_BYTES: String(BOUND) }, [
      `--max-old-space-size=${HEAP_MIB}`,
    ]);
    const url = server.url;
    let last = '';
    for (let post = 0; post < POSTS; post++) {
      const body = JSON.stringify({
        step_id: '0193a1f2-8000-7000-8000-000000000001',
        step_name: 'Build',
        stream: 'stdout',
        // A different character each time, so no two posts share a string.
        lines: [String.fromCharCode(97 + (post % 26)).repeat(LINE_CHARS)],
      });
      const response = await fetch(`${url}/api/v1/internal/runs/${RUN}/logs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${WORKER_TOKEN}`, 'content-type': 'application/json' },
        body,
      });
      expect(response.status, `post ${post}: ${server.stderr()}`).toBe(202);
      last = ((await response.json()) as { data: { last_id: string } }).data.last_id;
    }
    expect(server.child.exitCode).toBeNull();

    // A replay from the oldest retained event holds at most the bound's worth of lines.
    const replay = await SseReader.open(`${url}/api/v1/events?last_event_id=earliest&types=log_line`, {
      authorization: `Bearer ${ADMIN}`,
    });
    expect(replay.status).toBe(200);
    await replay.waitFor(() => replay.lastId === last, 'the replay to reach the newest event', 30_000);
    replay.close();
    const retained = replay.messages.filter((message) => message.event === 'log_line');
    expect(retained.length).toBeGreaterThan(0);
    expect(retained.length).toBeLessThanOrEqual(Math.floor(BOUND / LINE_CHARS));
    const retainedBytes = retained.reduce((sum, message) => sum + Buffer.byteLength(message.data), 0);
    expect(retainedBytes).toBeLessThanOrEqual(BOUND);

    const { heapUsed } = await server.memory();
    expect(heapUsed).toBeLessThan(HEAP_MIB * 1024 * 1024);
    await server.close();
  }, 120_000);
});
