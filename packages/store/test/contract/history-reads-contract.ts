import { randomUUID } from 'node:crypto';
import { type EventKind, runIdOf } from '@ironflow/engine';
import type { EventLog, StoredEvent } from '@ironflow/store';
import { describe, expect, it } from 'vitest';
import { logLine, runCreated, stepCompleted, userSignedIn } from './events.js';

type Open = (options?: { historyLimit?: number }) => Promise<EventLog>;

const seqsOf = (events: readonly StoredEvent[]) => events.map((stored) => stored.seq);
const STEP_B = '0b7e6a51-2f7c-4d1e-8a3b-9c0d1e2f3a4b';

/**
 * The history reads of the contract: `readBefore` (the stream's backlog), `readLogLines` (a
 * run's log console) and `readPage` (the audit log). Called inside `describeEventLog`.
 */
export function describeHistoryReads(open: Open): void {
  const runA = randomUUID();
  const runB = randomUUID();
  const matching = (all: StoredEvent[], runId?: string, kinds?: readonly EventKind[]) =>
    all.filter(
      (stored) =>
        (runId === undefined || runIdOf(stored.event) === runId) &&
        (kinds === undefined || kinds.includes(stored.event.type)),
    );
  // 20 events: two runs interleaved, step events, users, lines of two steps and three streams.
  const filled = async (options?: { historyLimit?: number }) => {
    const log = await open(options);
    const inputs: unknown[] = [runCreated(runA), runCreated(runB), userSignedIn(randomUUID())];
    for (let index = 0; index < 5; index += 1) {
      inputs.push(logLine(runA, `a${index}`), { ...logLine(runB, `b${index}`), step_id: STEP_B });
      inputs.push({ ...logLine(runA, `e${index}`), stream: index % 2 === 0 ? 'stderr' : 'system' });
    }
    inputs.push(stepCompleted(runA), userSignedIn(randomUUID()));
    const all = [...(await log.append(inputs.slice(0, 9))), ...(await log.append(inputs.slice(9)))];
    return { log, all };
  };

  describe('readBefore', () => {
    it('returns the newest matching events before a seq, newest first, at most limit', async () => {
      const { log, all } = await filled();
      const head = log.bounds().headSeq + 1;
      expect(seqsOf(await log.readBefore({ beforeSeq: head, limit: 100 }))).toEqual(seqsOf(all).reverse());
      expect(seqsOf(await log.readBefore({ beforeSeq: head, limit: 3 }))).toEqual([20, 19, 18]);
      expect(seqsOf(await log.readBefore({ beforeSeq: 5, limit: 100 }))).toEqual([4, 3, 2, 1]);
      expect(seqsOf(await log.readBefore({ beforeSeq: 1000, limit: 2 }))).toEqual([20, 19]);
      expect(await log.readBefore({ beforeSeq: 1, limit: 100 })).toEqual([]);
      expect(await log.readBefore({ beforeSeq: head, limit: 0 })).toEqual([]);
    });

    it('filters by run, kinds and both, like read', async () => {
      const { log, all } = await filled();
      const head = log.bounds().headSeq + 1;
      const cases: { runId?: string; kinds?: EventKind[] }[] = [
        { runId: runA },
        { runId: runB.toUpperCase() },
        { kinds: ['run_created', 'user_signed_in'] },
        { runId: runA, kinds: ['log_line', 'step_completed'] },
        { runId: randomUUID() },
      ];
      for (const filters of cases) {
        const expected = matching(all, filters.runId?.toLowerCase(), filters.kinds).reverse();
        expect(await log.readBefore({ ...filters, beforeSeq: head, limit: 100 })).toEqual(expected);
        expect(await log.readBefore({ ...filters, beforeSeq: head, limit: 2 })).toEqual(expected.slice(0, 2));
        const middle = expected[2]?.seq ?? 1;
        expect(await log.readBefore({ ...filters, beforeSeq: middle, limit: 100 })).toEqual(
          expected.slice(3),
        );
      }
    });

    it('matches nothing for audit-only kind names alone', async () => {
      const { log } = await filled();
      const head = log.bounds().headSeq + 1;
      expect(await log.readBefore({ beforeSeq: head, kinds: ['secrets_rotated'], limit: 10 })).toEqual([]);
      expect(
        await log.readBefore({ beforeSeq: head, runId: runA, kinds: ['secrets_rotated'], limit: 10 }),
      ).toEqual([]);
    });

    it('never returns evicted events', async () => {
      const { log, all } = await filled({ historyLimit: 4 });
      await log.prune();
      const head = log.bounds().headSeq + 1;
      expect(seqsOf(await log.readBefore({ beforeSeq: head, limit: 100 }))).toEqual([20, 19, 18, 17]);
      expect(seqsOf(await log.readBefore({ beforeSeq: head, runId: runA, limit: 100 }))).toEqual(
        seqsOf(matching(all, runA).filter((stored) => stored.seq >= 17)).reverse(),
      );
    });
  });

  describe('readLogLines', () => {
    it("returns only the run's log lines, ascending, after a seq, at most limit", async () => {
      const { log, all } = await filled();
      const lines = matching(all, runA, ['log_line']);
      expect(lines).toHaveLength(10);
      expect(await log.readLogLines({ runId: runA, afterSeq: 0, limit: 1000 })).toEqual(lines);
      expect(await log.readLogLines({ runId: runA.toUpperCase(), afterSeq: 0, limit: 3 })).toEqual(
        lines.slice(0, 3),
      );
      const after = (lines[3] as StoredEvent).seq;
      expect(await log.readLogLines({ runId: runA, afterSeq: after, limit: 2 })).toEqual(lines.slice(4, 6));
      expect(await log.readLogLines({ runId: randomUUID(), afterSeq: 0, limit: 10 })).toEqual([]);
      expect(await log.readLogLines({ runId: 'not-a-uuid', afterSeq: 0, limit: 10 })).toEqual([]);
      expect(await log.readLogLines({ runId: runA, afterSeq: 0, limit: 0 })).toEqual([]);
    });

    it('filters by step and by stream', async () => {
      const { log, all } = await filled();
      const field = (stored: StoredEvent, name: string) => (stored.event as Record<string, unknown>)[name];
      const ofB = matching(all, runB, ['log_line']);
      expect(
        await log.readLogLines({ runId: runB, stepId: STEP_B.toUpperCase(), afterSeq: 0, limit: 100 }),
      ).toEqual(ofB);
      expect(await log.readLogLines({ runId: runB, stepId: randomUUID(), afterSeq: 0, limit: 100 })).toEqual(
        [],
      );
      const stderr = matching(all, runA, ['log_line']).filter(
        (stored) => field(stored, 'stream') === 'stderr',
      );
      expect(stderr).toHaveLength(3);
      expect(await log.readLogLines({ runId: runA, stream: 'stderr', afterSeq: 0, limit: 100 })).toEqual(
        stderr,
      );
      expect(await log.readLogLines({ runId: runA, stream: 'stderr', afterSeq: 0, limit: 2 })).toEqual(
        stderr.slice(0, 2),
      );
    });
  });

  describe('readPage', () => {
    it('pages newest first with the total of the whole log', async () => {
      const { log, all } = await filled();
      const newestFirst = [...all].reverse();
      expect(await log.readPage({ offset: 0, limit: 7 })).toEqual({
        events: newestFirst.slice(0, 7),
        total: 20,
      });
      expect(await log.readPage({ offset: 14, limit: 7 })).toEqual({
        events: newestFirst.slice(14),
        total: 20,
      });
      expect(await log.readPage({ offset: 20, limit: 7 })).toEqual({ events: [], total: 20 });
      expect(await log.readPage({ offset: 0, limit: 0 })).toEqual({ events: [], total: 20 });
    });

    it('filters by kind, by run and by both; an unstored kind name matches nothing', async () => {
      const { log, all } = await filled();
      const cases: { kind?: EventKind; runId?: string }[] = [
        { kind: 'log_line' },
        { kind: 'user_signed_in' },
        { runId: runB },
        { kind: 'log_line', runId: runA },
        { kind: 'run_created', runId: runA.toUpperCase() },
      ];
      for (const { kind, runId } of cases) {
        const expected = matching(
          all,
          runId?.toLowerCase(),
          kind === undefined ? undefined : [kind],
        ).reverse();
        expect(await log.readPage({ kind, runId, offset: 0, limit: 100 })).toEqual({
          events: expected,
          total: expected.length,
        });
        expect(await log.readPage({ kind, runId, offset: 1, limit: 2 })).toEqual({
          events: expected.slice(1, 3),
          total: expected.length,
        });
      }
      expect(await log.readPage({ kind: 'secrets_rotated', offset: 0, limit: 10 })).toEqual({
        events: [],
        total: 0,
      });
      expect(await log.readPage({ runId: randomUUID(), offset: 0, limit: 10 })).toEqual({
        events: [],
        total: 0,
      });
      expect(await log.readPage({ runId: 'not-a-uuid', offset: 0, limit: 10 })).toEqual({
        events: [],
        total: 0,
      });
    });

    it('bounds `at` inclusively at microsecond precision, any offset', async () => {
      const log = await open();
      const runId = randomUUID();
      const at = (text: string) => ({ ...runCreated(runId), at: text });
      const stored = await log.append([
        at('2025-03-01T10:00:00Z'),
        at('2025-03-01T10:00:00.000001Z'),
        at('2025-03-01T10:00:00.5Z'),
        at('2025-03-01T11:00:00.123456Z'),
        at('2025-02-01T00:00:00Z'),
      ]);
      const page = async (from?: string, to?: string) =>
        seqsOf((await log.readPage({ from, to, offset: 0, limit: 100 })).events);
      expect(await page('2025-03-01T10:00:00.000001Z')).toEqual([4, 3, 2]);
      expect(await page(undefined, '2025-03-01T10:00:00.5Z')).toEqual([5, 3, 2, 1]);
      expect(await page('2025-03-01T10:00:00Z', '2025-03-01T10:00:00.000001Z')).toEqual([2, 1]);
      expect(await page('2025-03-01T12:00:00.123456+01:00', '2025-03-01T12:00:00.123456+01:00')).toEqual([4]);
      expect(await page('2025-04-01T00:00:00Z')).toEqual([]);
      const counted = await log.readPage({
        kind: 'run_created',
        from: '2025-03-01T00:00:00Z',
        offset: 1,
        limit: 1,
      });
      expect(counted).toEqual({ events: [stored[2]], total: 4 });
      await expect(log.readPage({ from: 'yesterday', offset: 0, limit: 1 })).rejects.toThrow(
        /from must be an RFC 3339/,
      );
    });

    it('counts only what retention keeps', async () => {
      const { log, all } = await filled({ historyLimit: 5 });
      await log.prune();
      expect(await log.readPage({ offset: 0, limit: 2 })).toEqual({
        events: all.slice(-2).reverse(),
        total: 5,
      });
      const lines = matching(all.slice(-5), undefined, ['log_line']).reverse();
      expect(await log.readPage({ kind: 'log_line', offset: 0, limit: 100 })).toEqual({
        events: lines,
        total: lines.length,
      });
    });
  });
}
