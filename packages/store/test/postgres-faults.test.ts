import { randomUUID } from 'node:crypto';
import {
  createPostgresEventLog,
  createPostgresUserStore,
  type EventLog,
  type PostgresEventLogOptions,
  StoreUnavailableError,
} from '@ironflow/store';
import { type ProxyMode, startTcpFaultProxy, type TcpFaultProxy, within } from '@ironflow/test-support';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { collect } from './contract/collector.js';
import { logLine } from './contract/events.js';
import { databaseUrl, freshSchema, skipPostgres } from './support/postgres.js';

const range = (count: number) => Array.from({ length: count }, (_, index) => index + 1);
const FAULTS: readonly ('drop' | ProxyMode)[] = ['drop', 'refuse', 'blackhole'];
const TIMEOUT_MS = 1_000;

// The reader reaches PostgreSQL through a proxy that fails on demand; the writer goes direct, so
// it keeps appending (and notifying) while the reader is cut off.
describe.skipIf(skipPostgres)('PostgreSQL log tail under database faults (TCP proxy)', () => {
  let proxy: TcpFaultProxy;
  const opened: EventLog[] = [];
  const open = async (schema: string, options: Partial<PostgresEventLogOptions>) => {
    const log = await createPostgresEventLog({ schema, pruneIntervalMs: 0, onError: () => {}, ...options });
    opened.push(log);
    return log;
  };
  beforeAll(async () => {
    const { hostname, port } = new URL(databaseUrl);
    proxy = await startTcpFaultProxy({ host: hostname, port: Number(port || 5432) });
  });
  afterEach(async () => {
    proxy.setMode('forward');
    await Promise.all(opened.splice(0).map((log) => log.close()));
  });
  afterAll(async () => {
    await proxy.close();
  });

  it('follows again after 24 drops, refusals and black holes, delivering every event once, in order', async () => {
    const schema = freshSchema();
    const reader = await open(schema, {
      connectionString: proxy.via(databaseUrl),
      timeoutMs: TIMEOUT_MS,
      reconnect: { minDelayMs: 50, maxDelayMs: 400 },
    });
    const writer = await open(schema, { connectionString: databaseUrl });
    const tail = collect(reader);
    const runId = randomUUID();
    let written = 0;
    let writing = true;
    // Appends in the background for the whole test: the reader's catch-ups are always in flight
    // when a fault hits, as under real traffic.
    const writes = (async () => {
      while (writing) {
        const batch = await writer.append(
          Array.from({ length: 20 }, (_, index) => logLine(runId, `${written} ${index}`)),
        );
        written += batch.length;
      }
    })();

    const sawNotFollowing: boolean[] = [];
    try {
      for (let round = 0; round < 24; round += 1) {
        const fault = FAULTS[round % FAULTS.length] as (typeof FAULTS)[number];
        if (fault === 'drop') proxy.dropAll();
        else {
          proxy.setMode(fault);
          if (fault === 'refuse') proxy.dropAll();
          // Long enough for the probe to notice a black hole on some rounds, not on others.
          await new Promise((resolve) => setTimeout(resolve, 300 + (round % 4) * 700));
          sawNotFollowing.push(!reader.tailStatus().following);
          proxy.setMode('forward');
        }
        const target = written;
        await within(10_000, `round ${round} (${fault}): ${target} events on the reader`, tail.until(target));
      }
    } finally {
      writing = false;
      await writes;
    }
    await within(10_000, `all ${written} events`, tail.until(written));
    expect(tail.seqs()).toEqual(range(written));
    // Following again, and it said so while it could not.
    await within(
      5_000,
      'the tail to follow',
      waitUntil(() => reader.tailStatus().following),
    );
    expect(sawNotFollowing.filter(Boolean).length).toBeGreaterThan(0);
  }, 120_000);

  it('answers reads and appends with StoreUnavailableError within the timeout when black-holed', async () => {
    const schema = freshSchema();
    const log = await open(schema, { connectionString: proxy.via(databaseUrl), timeoutMs: TIMEOUT_MS });
    const users = await createPostgresUserStore({
      schema,
      connectionString: proxy.via(databaseUrl),
      timeoutMs: TIMEOUT_MS,
    });
    const runId = randomUUID();
    await log.append([logLine(runId, 'before')]);
    expect(await users.count()).toBe(0);
    proxy.setMode('blackhole');
    for (const attempt of [
      // First, on the idle connection count() left: its BEGIN times out, and no ROLLBACK may
      // wait behind it for a second timeout.
      () => users.create({ email: 'ada@example.com', username: 'ada', passwordHash: 'x' }),
      () => users.findByEmail('ada@example.com'),
      () => log.append([logLine(runId, 'during')]),
      () => log.read({ afterSeq: 0, limit: 10 }),
      () => log.ping(),
    ]) {
      const started = Date.now();
      const error = await attempt().then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 1_000);
    }
    proxy.setMode('refuse');
    proxy.dropAll();
    await expect(log.read({ afterSeq: 0, limit: 10 })).rejects.toBeInstanceOf(StoreUnavailableError);
    proxy.setMode('forward');
    await within(
      5_000,
      'the tail to follow again',
      waitUntil(() => log.tailStatus().following),
    );
    expect((await log.read({ afterSeq: 0, limit: 10 })).length).toBe(1);
    expect(await users.count()).toBe(0);
    await users.close();
  }, 30_000);
});

async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}
