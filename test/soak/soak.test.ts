import { describe, expect, it } from 'vitest';
import { runSoak } from './soak.js';

// The short, bounded form of `pnpm soak` for every test run; the long run's figures are in
// docs/RELIABILITY.md.
describe('soak (short form)', () => {
  it('300 subscribers with random filters, drops and stalls: every sequence equals the log, heap back after GC', async () => {
    const report = await runSoak({
      durationMs: 15_000,
      subscribers: 300,
      publishers: 3,
      slowReaders: 4,
      seed: 7,
      historyLimit: 20_000,
      pauseMs: 40,
    });
    console.info(`[soak] ${JSON.stringify(report)}`);
    expect(report.eventsPublished).toBeGreaterThan(1_000);
    // The log retains more than the soak publishes, so a gap can only be a bug.
    expect(report.eventsPublished).toBeLessThan(20_000);
    expect(report.reconnects).toBeGreaterThan(50);
    expect(report.slowCloses).toBeGreaterThan(0);
    expect({
      lost: report.lost,
      duplicated: report.duplicated,
      outOfOrder: report.outOfOrder,
      gaps: report.gaps,
      mismatched: report.mismatchedSubscribers,
    }).toEqual({ lost: 0, duplicated: 0, outOfOrder: 0, gaps: 0, mismatched: 0 });
    expect(report.heapAfter).toBeLessThanOrEqual(report.heapBefore * 1.1);
  }, 150_000);
});
