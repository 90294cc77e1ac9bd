import { randomUUID } from 'node:crypto';
import { type EventKind, runIdOf, serializeEvent, userIdOf } from '@ironflow/engine';
import {
  type EventLog,
  EventLogClosedError,
  type EventLogReadOptions,
  EventValidationError,
  formatCursor,
  parseCursor,
  type StoredEvent,
} from '@ironflow/store';
import { afterEach, describe, expect, it } from 'vitest';
import { collect } from './collector.js';
import { logLine, runCreated, stepCompleted, userSignedIn } from './events.js';
import { describeHistoryReads } from './history-reads-contract.js';
import { describeVisibleRead } from './visible-read-contract.js';

/** Builds a fresh, empty log of the backend under test. */
export type MakeEventLog = (options: { historyLimit?: number }) => Promise<EventLog>;

const seqsOf = (events: readonly StoredEvent[]) => events.map((stored) => stored.seq);

/** Reads everything matching `filters` page by page, `pageSize` at a time. */
async function readPaged(
  log: EventLog,
  filters: Omit<EventLogReadOptions, 'afterSeq' | 'limit'>,
  pageSize: number,
) {
  const all: StoredEvent[] = [];
  let afterSeq = 0;
  for (;;) {
    const page = await log.read({ ...filters, afterSeq, limit: pageSize });
    expect(page.length).toBeLessThanOrEqual(pageSize);
    if (page.length === 0) return all;
    all.push(...page);
    afterSeq = (page.at(-1) as StoredEvent).seq;
  }
}

/**
 * The behaviour every `EventLog` backend must show (docs/PROTOCOL.md sections 3 and 4). Backends whose
 * retention is not by count should still honour `historyLimit` by the time `prune()` resolves.
 */
export function describeEventLog(name: string, makeLog: MakeEventLog): void {
  describe(`EventLog contract: ${name}`, () => {
    const opened: EventLog[] = [];
    const open = async (options: { historyLimit?: number } = {}) => {
      const log = await makeLog(options);
      opened.push(log);
      return log;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((log) => log.close()));
    });

    describe('append', () => {
      it('starts empty', async () => {
        const log = await open();
        expect(log.bounds()).toEqual({ oldestSeq: null, headSeq: 0 });
        expect(await log.read({ afterSeq: 0, limit: 10 })).toEqual([]);
      });

      it('assigns consecutive seqs from 1 and cursors in the log epoch, increasing as text too', async () => {
        const log = await open();
        const runId = randomUUID();
        const first = await log.append([runCreated(runId), logLine(runId, 'a'), logLine(runId, 'b')]);
        const second = await log.append([logLine(runId, 'c'), stepCompleted(runId)]);
        const stored = [...first, ...second];
        expect(seqsOf(stored)).toEqual([1, 2, 3, 4, 5]);
        for (const { seq, cursor } of stored) {
          expect(cursor).toBe(formatCursor(log.epoch, seq));
          expect(parseCursor(cursor)).toEqual({ epoch: log.epoch, seq });
        }
        const cursors = stored.map((item) => item.cursor);
        expect([...cursors].sort()).toEqual(cursors);
        expect(new Set(cursors).size).toBe(cursors.length);
        expect(log.bounds()).toEqual({ oldestSeq: 1, headSeq: 5 });
      });

      it('keeps one epoch of [a-z0-9]{1,32} for the life of the log', async () => {
        const log = await open();
        const epoch = log.epoch;
        expect(epoch).toMatch(/^[a-z0-9]{1,32}$/);
        await log.append([runCreated(randomUUID())]);
        expect(log.epoch).toBe(epoch);
      });

      it('accepts an empty batch, stores nothing and resolves with []', async () => {
        const log = await open();
        const tail = collect(log);
        expect(await log.append([])).toEqual([]);
        expect(log.bounds()).toEqual({ oldestSeq: null, headSeq: 0 });
        expect(tail.batches).toEqual([]);
      });

      it('keeps every character of an event, control characters and separators included', async () => {
        const log = await open();
        const runId = randomUUID();
        // Every C0 control character (U+001E separates the events of a PostgreSQL append), the
        // line and paragraph separators, a lone surrogate's replacement and text beyond the BMP.
        const controls = Array.from({ length: 32 }, (_, code) => String.fromCharCode(code)).join('');
        const texts = [controls, '\u001e', '\u001e\u001e', 'a\u2028b\u2029c', '"\\\u001f', '🚀 naïve 東京'];
        const inputs = texts.map((text, index) => ({
          ...logLine(runId, text),
          labels: { [`k\u001e${index}`]: text },
        }));
        const stored = [...(await log.append(inputs)), ...(await log.append(inputs.slice(0, 1)))];
        const read = await log.read({ afterSeq: 0, limit: 100 });
        expect(read.map((entry) => entry.json)).toEqual(stored.map((entry) => serializeEvent(entry.event)));
        expect(read.map((entry) => (entry.event as { line?: string }).line)).toEqual([...texts, controls]);
        const extra = (entry: StoredEvent) => (entry.event as unknown as { labels: unknown }).labels;
        expect(read.map(extra)).toEqual([...inputs, inputs[0]].map((input) => input?.labels));
      });

      it('returns the canonical events, with json equal to serializeEvent(event)', async () => {
        const runId = randomUUID();
        const log = await open();
        const [created, changed] = await log.append([
          { workflow_name: 'deploy', run_id: runId.toUpperCase(), type: 'run_created' },
          {
            type: 'run_status_changed',
            run_id: runId,
            workflow_name: 'deploy',
            from: 'pending',
            to: 'running',
            error: null,
            cost_usd: 0,
            duration_ms: 0,
            at: '2025-01-02T04:04:05+01:00',
          },
        ]);
        expect(created?.event).toMatchObject({ type: 'run_created', run_id: runId, workflow_name: 'deploy' });
        expect(created?.event.at).toMatch(/Z$/);
        expect(Object.keys(created?.event ?? {})[0]).toBe('type');
        expect(changed?.event).toMatchObject({ labels: {}, at: '2025-01-02T03:04:05Z' });
        for (const stored of [created, changed]) {
          expect(stored?.json).toBe(serializeEvent(stored?.event as StoredEvent['event']));
          expect(JSON.parse(stored?.json ?? '')).toEqual(stored?.event);
        }
        const [reread] = await log.read({ afterSeq: 0, limit: 1 });
        expect(reread?.json).toBe(created?.json);
      });

      it('rejects a batch with any invalid item, detailing every one, and stores nothing', async () => {
        const log = await open();
        const tail = collect(log);
        const runId = randomUUID();
        const failure = await log
          .append([
            runCreated(runId),
            { ...runCreated(runId), type: 'nope' },
            logLine(runId, 'fine'),
            { type: 'run_created' },
            {
              type: 'run_status_changed',
              run_id: runId,
              workflow_name: 'deploy',
              from: 'completed',
              to: 'running',
              error: null,
              cost_usd: 0,
              duration_ms: 0,
            },
            42,
          ])
          .catch((error: unknown) => error);
        expect(failure).toBeInstanceOf(EventValidationError);
        const error = failure as EventValidationError;
        expect(error).toMatchObject({ code: 'VALIDATION_FAILED', status: 400, expose: true });
        expect(new Set(error.details.map((detail) => detail.index))).toEqual(new Set([1, 3, 4, 5]));
        expect(error.details).toContainEqual({ index: 1, path: 'type', message: 'unknown event kind: nope' });
        expect(error.details.filter((detail) => detail.index === 4).map((detail) => detail.path)).toContain(
          'to',
        );
        for (const detail of error.details) {
          expect(typeof detail.path).toBe('string');
          expect(detail.message).not.toBe('');
        }
        expect(log.bounds()).toEqual({ oldestSeq: null, headSeq: 0 });
        expect(await log.read({ afterSeq: 0, limit: 10 })).toEqual([]);
        expect(tail.batches).toEqual([]);
        // The failed batch consumed no seqs.
        const [next] = await log.append([runCreated(runId)]);
        expect(next?.seq).toBe(1);
      });
    });

    describe('read', () => {
      // Three interleaved runs plus events without a run: 18 events.
      const runA = randomUUID();
      const runB = randomUUID();
      const runC = randomUUID();
      const mixed = () => {
        const inputs: unknown[] = [runCreated(runA), runCreated(runB), userSignedIn(randomUUID())];
        for (let index = 0; index < 5; index += 1) {
          inputs.push(logLine(runA, `a${index}`), logLine(runB, `b${index}`));
          if (index % 2 === 0) inputs.push(stepCompleted(runA));
        }
        inputs.push(runCreated(runC), userSignedIn(randomUUID()));
        return inputs;
      };
      const filled = async () => {
        const log = await open();
        const all = [...(await log.append(mixed().slice(0, 7))), ...(await log.append(mixed().slice(7)))];
        return { log, all };
      };
      const matching = (all: StoredEvent[], runId?: string, kinds?: readonly EventKind[]) =>
        all.filter(
          (stored) =>
            (runId === undefined || runIdOf(stored.event) === runId) &&
            (kinds === undefined || kinds.includes(stored.event.type)),
        );

      it('returns the retained events after a seq, ascending, at most limit', async () => {
        const { log, all } = await filled();
        expect(all).toHaveLength(18);
        expect(seqsOf(await log.read({ afterSeq: 0, limit: 100 }))).toEqual(seqsOf(all));
        expect(seqsOf(await log.read({ afterSeq: 15, limit: 100 }))).toEqual([16, 17, 18]);
        expect(seqsOf(await log.read({ afterSeq: 4, limit: 3 }))).toEqual([5, 6, 7]);
        expect(await log.read({ afterSeq: 18, limit: 100 })).toEqual([]);
        expect(await log.read({ afterSeq: 1000, limit: 100 })).toEqual([]);
        expect(await log.read({ afterSeq: 0, limit: 0 })).toEqual([]);
      });

      it('returns the same stored events that append returned', async () => {
        const { log, all } = await filled();
        expect(await log.read({ afterSeq: 0, limit: 100 })).toEqual(all);
      });

      it('gives every stored event its kind, run and user as fields, as its event has them', async () => {
        const { log, all } = await filled();
        const read = await log.read({ afterSeq: 0, limit: 100 });
        const before = await log.readBefore({ beforeSeq: 1000, limit: 100 });
        const page = await log.readPage({ offset: 0, limit: 100 });
        for (const stored of [...all, ...read, ...before, ...page.events]) {
          expect(stored.kind).toBe(stored.event.type);
          expect(stored.runId).toBe(runIdOf(stored.event));
          expect(stored.userId).toBe(userIdOf(stored.event));
          expect(JSON.parse(stored.json)).toEqual(stored.event);
          expect(Object.isFrozen(stored) && Object.isFrozen(stored.event)).toBe(true);
        }
        expect(new Set(all.map((stored) => stored.kind)).size).toBeGreaterThan(2);
        expect(all.some((stored) => stored.userId !== null && stored.runId === null)).toBe(true);
      });

      it('filters by run id, case-insensitively; user events have no run', async () => {
        const { log, all } = await filled();
        const ofA = matching(all, runA);
        expect(ofA.length).toBe(9);
        expect(await log.read({ afterSeq: 0, runId: runA, limit: 100 })).toEqual(ofA);
        expect(await log.read({ afterSeq: 0, runId: runA.toUpperCase(), limit: 100 })).toEqual(ofA);
        const after = (ofA[3] as StoredEvent).seq;
        expect(await log.read({ afterSeq: after, runId: runA, limit: 2 })).toEqual(ofA.slice(4, 6));
        expect(await log.read({ afterSeq: 0, runId: randomUUID(), limit: 100 })).toEqual([]);
      });

      it('filters by kinds; no kinds or an empty list means every kind', async () => {
        const { log, all } = await filled();
        const kinds: EventKind[] = ['run_created', 'user_signed_in'];
        expect(await log.read({ afterSeq: 0, kinds, limit: 100 })).toEqual(matching(all, undefined, kinds));
        expect(await log.read({ afterSeq: 0, kinds: ['step_completed'], limit: 100 })).toHaveLength(3);
        expect(await log.read({ afterSeq: 0, kinds: ['run_failed'], limit: 100 })).toEqual([]);
        expect(await log.read({ afterSeq: 0, kinds: [], limit: 100 })).toEqual(all);
        expect(await log.read({ afterSeq: 0, kinds: ['run_created', 'run_created'], limit: 100 })).toEqual(
          matching(all, undefined, ['run_created']),
        );
      });

      it('filters by run id and kinds together', async () => {
        const { log, all } = await filled();
        const kinds: EventKind[] = ['run_created', 'step_completed'];
        const expected = matching(all, runA, kinds);
        expect(expected).toHaveLength(4);
        expect(await log.read({ afterSeq: 0, runId: runA, kinds, limit: 100 })).toEqual(expected);
        expect(await log.read({ afterSeq: 0, runId: runC, kinds: ['log_line'], limit: 100 })).toEqual([]);
      });

      it('pages through exactly the matching log, in order, with any filter', async () => {
        const { log, all } = await filled();
        const cases: { runId?: string; kinds?: EventKind[] }[] = [
          {},
          { runId: runB },
          { kinds: ['log_line', 'user_signed_in'] },
          { runId: runA, kinds: ['log_line', 'step_completed'] },
        ];
        for (const filters of cases) {
          for (const pageSize of [1, 3, 7]) {
            expect(await readPaged(log, filters, pageSize)).toEqual(
              matching(all, filters.runId, filters.kinds),
            );
          }
        }
      });
    });

    describe('tail', () => {
      it('delivers every appended batch once, in order', async () => {
        const log = await open();
        const tail = collect(log);
        const runId = randomUUID();
        const first = await log.append([runCreated(runId), logLine(runId, 'a')]);
        const second = await log.append([logLine(runId, 'b')]);
        await tail.until(3);
        expect(tail.batches).toEqual([first, second]);
      });

      it('delivers concurrent appends, started without awaiting, once each in seq order', async () => {
        const log = await open();
        const tail = collect(log);
        const runId = randomUUID();
        const pending = [
          log.append([runCreated(runId)]),
          log.append([logLine(runId, 'a'), logLine(runId, 'b')]),
          log.append([]),
          log.append([logLine(runId, 'c')]),
          log.append([logLine(runId, 'd'), logLine(runId, 'e'), logLine(runId, 'f')]),
        ];
        const results = await Promise.all(pending);
        await tail.until(7);
        expect(tail.seqs()).toEqual([1, 2, 3, 4, 5, 6, 7]);
        const appended = results
          .filter((batch) => batch.length > 0)
          .sort((x, y) => (x[0] as StoredEvent).seq - (y[0] as StoredEvent).seq);
        expect(tail.batches).toEqual(appended);
      });

      it('delivers only what is appended after subscribing', async () => {
        const log = await open();
        const runId = randomUUID();
        await log.append([runCreated(runId), logLine(runId, 'before')]);
        const tail = collect(log);
        await log.append([logLine(runId, 'after')]);
        await tail.until(1);
        expect(tail.seqs()).toEqual([3]);
      });

      it('stops delivering after unsubscribe', async () => {
        const log = await open();
        const leaving = collect(log);
        const staying = collect(log);
        const runId = randomUUID();
        await log.append([runCreated(runId)]);
        await leaving.until(1);
        leaving.unsubscribe();
        leaving.unsubscribe();
        await log.append([logLine(runId, 'a'), logLine(runId, 'b')]);
        await staying.until(3);
        expect(staying.seqs()).toEqual([1, 2, 3]);
        expect(leaving.seqs()).toEqual([1]);
      });
    });

    describe('retention', () => {
      it('keeps the newest historyLimit events and never reads evicted ones', async () => {
        const log = await open({ historyLimit: 5 });
        const runA = randomUUID();
        const runB = randomUUID();
        for (let index = 1; index <= 12; index += 1) {
          const runId = index % 2 === 1 ? runA : runB;
          await log.append([index <= 2 ? runCreated(runId) : logLine(runId, `line ${index}`)]);
        }
        await log.prune();
        expect(log.bounds()).toEqual({ oldestSeq: 8, headSeq: 12 });
        expect(seqsOf(await log.read({ afterSeq: 0, limit: 100 }))).toEqual([8, 9, 10, 11, 12]);
        expect(seqsOf(await log.read({ afterSeq: 3, limit: 2 }))).toEqual([8, 9]);
        expect(seqsOf(await log.read({ afterSeq: 0, runId: runA, limit: 100 }))).toEqual([9, 11]);
        expect(seqsOf(await log.read({ afterSeq: 0, runId: runB, limit: 100 }))).toEqual([8, 10, 12]);
        expect(await log.read({ afterSeq: 0, kinds: ['run_created'], limit: 100 })).toEqual([]);
        expect(seqsOf(await log.read({ afterSeq: 0, runId: runA, kinds: ['log_line'], limit: 100 }))).toEqual(
          [9, 11],
        );
        const [next] = await log.append([logLine(runA, 'next')]);
        expect(next?.seq).toBe(13);
      });
    });

    describe('health', () => {
      it('follows once created, answers ping, and stops following when closed', async () => {
        const log = await open();
        const status = log.tailStatus();
        expect(status).toMatchObject({ following: true, reason: null });
        expect(status.sinceMs).toBeLessThanOrEqual(Date.now());
        await expect(log.ping()).resolves.toBeUndefined();
        await log.close();
        await expect(log.ping()).rejects.toBeInstanceOf(EventLogClosedError);
      });
    });

    describeHistoryReads(open);
    describeVisibleRead(open);

    describe('close', () => {
      it('rejects appends after close, and may be called twice', async () => {
        const log = await open();
        await log.close();
        await log.close();
        await expect(log.append([runCreated(randomUUID())])).rejects.toBeInstanceOf(EventLogClosedError);
      });
    });
  });
}
