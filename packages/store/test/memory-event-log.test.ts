import { randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type EventKind, runIdOf } from '@ironflow/engine';
import { createMemoryEventLog, type StoredEvent } from '@ironflow/store';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeEventLog } from './contract/event-log-contract.js';
import { logLine, runCreated, stepCompleted, userSignedIn } from './contract/events.js';

describeEventLog('memory', async (options) => createMemoryEventLog(options));

describe('createMemoryEventLog', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('gives each log a fresh epoch unless one is given', () => {
    const first = createMemoryEventLog();
    const second = createMemoryEventLog();
    expect(first.epoch).toMatch(/^[a-z0-9]{1,32}$/);
    expect(second.epoch).not.toBe(first.epoch);
    expect(createMemoryEventLog({ epoch: 'fixed1' }).epoch).toBe('fixed1');
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '10'])(
    'refuses historyLimit %j',
    (historyLimit) => {
      expect(() => createMemoryEventLog({ historyLimit: historyLimit as number })).toThrow(
        /historyLimit must be a positive integer .*got .*; omit it for the default 100000/,
      );
    },
  );

  it.each([0, -1, 1.5, Number.NaN, '10'])('refuses historyBytes %j', (historyBytes) => {
    expect(() => createMemoryEventLog({ historyBytes: historyBytes as number })).toThrow(
      /historyBytes must be a positive integer .*got .*; omit it for the default 268435456/,
    );
  });

  it.each(['', 'UPPER', 'with-dash', 'x'.repeat(33)])('refuses epoch %j', (epoch) => {
    expect(() => createMemoryEventLog({ epoch })).toThrow(/epoch must be 1 to 32 characters of \[a-z0-9\]/);
  });

  it('fills a missing `at` from the given clock', async () => {
    const log = createMemoryEventLog({ now: () => new Date('2025-06-07T08:09:10.500Z') });
    const [stored] = await log.append([{ type: 'run_created', run_id: randomUUID(), workflow_name: 'w' }]);
    expect(stored?.event.at).toBe('2025-06-07T08:09:10.500Z');
  });

  it('delivers each append as one batch, the same stored objects that append returns', async () => {
    const log = createMemoryEventLog();
    const batches: (readonly StoredEvent[])[] = [];
    log.subscribe((batch) => batches.push(batch));
    const runId = randomUUID();
    const stored = await log.append([runCreated(runId), logLine(runId, 'a')]);
    expect(batches).toHaveLength(1);
    expect(batches[0]?.[0]).toBe(stored[0]);
    expect(Object.isFrozen(stored[0])).toBe(true);
    expect(Object.isFrozen(stored[0]?.event)).toBe(true);
  });

  it('reads return the retained objects, whose event is parsed from their JSON when asked for', async () => {
    const log = createMemoryEventLog();
    const runId = randomUUID();
    const [appended] = await log.append([runCreated(runId)]);
    const [read] = await log.read({ afterSeq: 0, limit: 1 });
    // No object per read (a resume storm reads the same events for thousands of streams)…
    expect((await log.readBefore({ beforeSeq: 2, limit: 1 }))[0]).toBe(read);
    expect((await log.readPage({ offset: 0, limit: 1 })).events[0]).toBe(read);
    // …and not append's object, which holds the parsed event.
    expect(read).not.toBe(appended);
    expect(read?.event).not.toBe(appended?.event);
    expect(read?.event).toEqual(appended?.event);
    expect(Object.isFrozen(read) && Object.isFrozen(read?.event)).toBe(true);
    expect(read).toMatchObject({
      seq: 1,
      cursor: appended?.cursor,
      kind: 'run_created',
      runId,
      userId: null,
    });
  });

  it('keeps the JSON of a retained event, not the parsed event', async () => {
    // The log's memory budget counts on it (historyBytes): the parsed event was more than a third
    // of what each retained event kept alive. Once append's answer is dropped, only the log holds it.
    setFlagsFromString('--expose-gc');
    const collectGarbage = runInNewContext('gc') as () => void;
    const log = createMemoryEventLog();
    // Appended in a function of its own, so no frame of this test still holds the last answer.
    const appendAll = async () => {
      const refs: WeakRef<object>[] = [];
      for (let round = 0; round < 20; round += 1) {
        const [stored] = await log.append([runCreated(randomUUID())]);
        refs.push(new WeakRef((stored as StoredEvent).event));
      }
      return refs;
    };
    const freed = await appendAll();
    // `deref` keeps its target alive until the current job ends: collect in a fresh job each time.
    const nextJob = () => new Promise((resolve) => setImmediate(resolve));
    const alive = () => freed.flatMap((ref, index) => (ref.deref() === undefined ? [] : [index]));
    const deadline = Date.now() + 5_000;
    do {
      await nextJob();
      collectGarbage();
      await nextJob();
    } while (alive().length > 0 && Date.now() < deadline);
    expect(alive()).toEqual([]);
    expect(await log.read({ afterSeq: 0, limit: 100 })).toHaveLength(20);
  });

  it('reports a throwing listener and still delivers to the others and resolves the append', async () => {
    const onListenerError = vi.fn();
    const log = createMemoryEventLog({ onListenerError });
    const failure = new Error('listener broke');
    const received: number[] = [];
    log.subscribe(() => {
      throw failure;
    });
    log.subscribe((batch) => received.push(...batch.map((stored) => stored.seq)));
    const stored = await log.append([runCreated(randomUUID())]);
    expect(received).toEqual([1]);
    expect(onListenerError).toHaveBeenCalledWith(failure, [stored[0]]);
  });

  it('reports a throwing listener on the console by default', async () => {
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
    const log = createMemoryEventLog();
    log.subscribe(() => {
      throw new Error('listener broke');
    });
    await expect(log.append([runCreated(randomUUID())])).resolves.toHaveLength(1);
    expect(consoleError).toHaveBeenCalledOnce();
  });

  it('keeps seq order for every listener when a listener appends while being notified', async () => {
    const log = createMemoryEventLog();
    const runId = randomUUID();
    const first: number[] = [];
    const second: number[] = [];
    let nested: Promise<StoredEvent[]> | undefined;
    log.subscribe((batch) => {
      first.push(...batch.map((stored) => stored.seq));
      nested ??= log.append([logLine(runId, 'from a listener')]);
    });
    log.subscribe((batch) => second.push(...batch.map((stored) => stored.seq)));
    await log.append([runCreated(runId)]);
    await nested;
    expect(first).toEqual([1, 2]);
    expect(second).toEqual([1, 2]);
  });

  it('does not deliver to a listener unsubscribed by an earlier one during the same batch', async () => {
    const log = createMemoryEventLog();
    const late = vi.fn();
    let unsubscribeLate = () => {};
    log.subscribe(() => unsubscribeLate());
    unsubscribeLate = log.subscribe(late);
    await log.append([runCreated(randomUUID())]);
    expect(late).not.toHaveBeenCalled();
  });

  it('releases subscribers on close and refuses reads and prunes afterwards', async () => {
    const log = createMemoryEventLog();
    const listener = vi.fn();
    log.subscribe(listener);
    await log.close();
    expect(log.subscribe(listener)).toBeTypeOf('function');
    await expect(log.read({ afterSeq: 0, limit: 1 })).rejects.toMatchObject({ code: 'EVENT_LOG_CLOSED' });
    await expect(log.prune()).rejects.toMatchObject({ code: 'EVENT_LOG_CLOSED' });
    expect(listener).not.toHaveBeenCalled();
  });

  it('returns and delivers a whole batch larger than historyLimit, retaining only its newest events', async () => {
    const log = createMemoryEventLog({ historyLimit: 3 });
    const delivered: number[] = [];
    log.subscribe((batch) => delivered.push(...batch.map((stored) => stored.seq)));
    const runId = randomUUID();
    const stored = await log.append(Array.from({ length: 8 }, (_, index) => logLine(runId, `${index}`)));
    expect(stored).toHaveLength(8);
    expect(delivered).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(log.bounds()).toEqual({ oldestSeq: 6, headSeq: 8 });
    expect((await log.read({ afterSeq: 0, runId, limit: 10 })).map((item) => item.seq)).toEqual([6, 7, 8]);
  });

  it('retains at most historyBytes of event JSON (UTF-8 bytes), evicting the oldest first', async () => {
    const runId = randomUUID();
    const one = (await createMemoryEventLog().append([logLine(runId, 'é'.repeat(1000))]))[0] as StoredEvent;
    const bytes = Buffer.byteLength(one.json);
    expect(bytes).toBeGreaterThan(2000);
    const log = createMemoryEventLog({ historyBytes: bytes * 3 + 10 });
    for (let index = 0; index < 10; index += 1) await log.append([logLine(runId, 'é'.repeat(1000))]);
    expect(log.bounds()).toEqual({ oldestSeq: 8, headSeq: 10 });
    // An event larger than the whole bound is returned and delivered but not kept.
    const delivered: number[] = [];
    log.subscribe((batch) => delivered.push(...batch.map((stored) => stored.seq)));
    const [huge] = await log.append([logLine(runId, 'x'.repeat(bytes * 4))]);
    expect(huge?.seq).toBe(11);
    expect(delivered).toEqual([11]);
    expect(log.bounds()).toEqual({ oldestSeq: null, headSeq: 11 });
    expect(await log.read({ afterSeq: 0, limit: 10 })).toEqual([]);
  });

  it('prunes nothing: its retention is by count, at append', async () => {
    const log = createMemoryEventLog({ historyLimit: 2 });
    await log.append([runCreated(randomUUID()), runCreated(randomUUID()), runCreated(randomUUID())]);
    expect(await log.prune()).toBe(0);
    expect(log.bounds()).toEqual({ oldestSeq: 2, headSeq: 3 });
  });

  it.each([
    [{ afterSeq: -1, limit: 1 }, /afterSeq must be a non-negative integer/],
    [{ afterSeq: 0, limit: 1.5 }, /limit must be a non-negative integer/],
    [{ afterSeq: 0, limit: 1, kinds: ['nope'] }, /unknown event kind: nope/],
    [{ afterSeq: 0, limit: 1, runId: 7 }, /runId must be a string/],
  ])('refuses read options %j', async (options, message) => {
    const log = createMemoryEventLog();
    await expect(log.read(options as never)).rejects.toThrow(message);
  });

  it('reads exactly what a naive filter finds, over 50k interleaved events of 10 runs with eviction', async () => {
    const log = createMemoryEventLog({ historyLimit: 30_000 });
    const runs = Array.from({ length: 10 }, () => randomUUID());
    // Run i gets a share of events that grows with i, so runs differ a lot in size.
    const weights = runs.map((_, index) => index + 1);
    const totalWeight = weights.reduce((sum, weight) => sum + weight, 0);
    let state = 7;
    const random = () => {
      state = (state * 48_271) % 2_147_483_647;
      return state / 2_147_483_647;
    };
    const pickRun = () => {
      let ticket = random() * totalWeight;
      for (const [index, weight] of weights.entries()) {
        ticket -= weight;
        if (ticket < 0) return runs[index] as string;
      }
      return runs.at(-1) as string;
    };
    const makeEvent = (position: number) => {
      const roll = random();
      if (roll < 0.02) return userSignedIn(randomUUID());
      const runId = pickRun();
      if (roll < 0.05) return runCreated(runId);
      if (roll < 0.2) return stepCompleted(runId);
      return logLine(runId, `line ${position}`);
    };
    for (let start = 0; start < 50_000; start += 1000) {
      await log.append(Array.from({ length: 1000 }, (_, offset) => makeEvent(start + offset)));
    }
    expect(log.bounds()).toEqual({ oldestSeq: 20_001, headSeq: 50_000 });
    const retained = await log.read({ afterSeq: 0, limit: 50_000 });
    expect(retained).toHaveLength(30_000);

    const naive = (afterSeq: number, runId?: string, kinds?: EventKind[]) =>
      retained.filter(
        (stored) =>
          stored.seq > afterSeq &&
          (runId === undefined || runIdOf(stored.event) === runId) &&
          (kinds === undefined || kinds.includes(stored.event.type)),
      );
    const kindSets: (EventKind[] | undefined)[] = [
      undefined,
      ['step_completed'],
      ['run_created', 'user_signed_in'],
      ['log_line', 'step_completed'],
    ];
    for (const afterSeq of [0, 19_999, 20_000, 20_001, 33_333, 49_990, 50_000]) {
      for (const runId of [undefined, ...runs]) {
        for (const kinds of kindSets) {
          const all = naive(afterSeq, runId, kinds);
          for (const limit of [1, 50, 50_000]) {
            const read = await log.read({ afterSeq, runId, kinds, limit });
            const expected = all.slice(0, limit);
            expect(read.length).toBe(expected.length);
            expect(read.map((stored) => stored.seq)).toEqual(expected.map((stored) => stored.seq));
          }
        }
      }
    }
  });
});
