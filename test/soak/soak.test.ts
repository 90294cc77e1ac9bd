import { adminUrl } from '@ironflow/test-support';
import { describe, expect, it } from 'vitest';
import { runFaultSoak } from './fault-soak.js';
import { runSoak } from './soak.js';

interface Faults {
  readonly lost: number;
  readonly duplicated: number;
  readonly outOfOrder: number;
  readonly gaps: number;
  readonly mismatchedSubscribers: number;
}

/** What both soaks must never see, in one object so a failure shows every count at once. */
const faultsOf = (report: Faults) => ({
  lost: report.lost,
  duplicated: report.duplicated,
  outOfOrder: report.outOfOrder,
  gaps: report.gaps,
  mismatched: report.mismatchedSubscribers,
});
const NO_FAULTS = { lost: 0, duplicated: 0, outOfOrder: 0, gaps: 0, mismatched: 0 };

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
    // Each stall round posts bulk events until the server has closed the stalled readers.
    expect(report.stallRounds).toBeGreaterThan(0);
    expect(report.slowCloses).toBeGreaterThan(0);
    expect(faultsOf(report)).toEqual(NO_FAULTS);
    expect(report.heapAfter).toBeLessThanOrEqual(report.heapBefore * 1.1);
  }, 150_000);
});

describe.skipIf(adminUrl === '')('soak, fault mode (short form)', () => {
  it('2 instances through the fault proxy, connections dropped every 2 s, one SIGKILL: nothing lost or doubled', async () => {
    const report = await runFaultSoak({
      durationMs: 15_000,
      instances: 2,
      subscribers: 40,
      publishers: 2,
      dropEveryMs: 2_000,
      killEveryMs: 7_000,
    });
    console.info(`[soak --faults] ${JSON.stringify(report)}`);
    expect(report.drops).toBeGreaterThanOrEqual(5);
    expect(report.kills).toBeGreaterThanOrEqual(1);
    expect(report.eventsAcknowledged).toBeGreaterThan(300);
    expect(faultsOf(report)).toEqual(NO_FAULTS);
  }, 150_000);
});
