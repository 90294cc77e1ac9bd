import { randomUUID } from 'node:crypto';
import { userIdOf } from '@ironflow/engine';
import type { EventLog, StoredEvent } from '@ironflow/store';
import { describe, expect, it } from 'vitest';
import { runCreated, stepCompleted, userSignedIn } from './events.js';

type Open = (options?: { historyLimit?: number }) => Promise<EventLog>;

/**
 * `read` with `visibleTo` (a non-admin's replay, docs/PROTOCOL.md §3): `user_*` events of that user only,
 * everything else as without it. Called inside `describeEventLog`.
 */
export function describeVisibleRead(open: Open): void {
  describe('read visibleTo', () => {
    const me = randomUUID();
    const other = randomUUID();
    const run = randomUUID();
    const visible = (all: StoredEvent[], kinds?: string[]) =>
      all.filter((stored) => {
        const concerns = userIdOf(stored.event);
        return (
          (concerns === null || concerns === me) && (kinds === undefined || kinds.includes(stored.event.type))
        );
      });
    const filled = async () => {
      const log = await open();
      const all = await log.append([
        userSignedIn(other),
        runCreated(run),
        userSignedIn(me),
        { ...userSignedIn(other), type: 'user_signed_out' },
        stepCompleted(run),
        { type: 'user_signed_out', user_id: me },
        userSignedIn(other),
        runCreated(randomUUID()),
      ]);
      return { log, all };
    };

    it("returns every other kind and only the reader's own user events, in order", async () => {
      const { log, all } = await filled();
      const expected = visible(all);
      expect(expected.map((stored) => stored.seq)).toEqual([2, 3, 5, 6, 8]);
      expect(await log.read({ afterSeq: 0, visibleTo: me, limit: 100 })).toEqual(expected);
      expect(await log.read({ afterSeq: 0, visibleTo: me.toUpperCase(), limit: 100 })).toEqual(expected);
      expect(await log.read({ afterSeq: 3, visibleTo: me, limit: 2 })).toEqual(expected.slice(2, 4));
      // Someone with no user events of their own sees the other kinds only.
      expect(await log.read({ afterSeq: 0, visibleTo: randomUUID(), limit: 100 })).toEqual(
        all.filter((stored) => userIdOf(stored.event) === null),
      );
    });

    it('combines with kinds and run filters', async () => {
      const { log, all } = await filled();
      expect(await log.read({ afterSeq: 0, visibleTo: me, kinds: ['user_signed_in'], limit: 100 })).toEqual(
        visible(all, ['user_signed_in']),
      );
      expect(
        await log.read({ afterSeq: 0, visibleTo: me, kinds: ['user_signed_out', 'run_created'], limit: 100 }),
      ).toEqual(visible(all, ['user_signed_out', 'run_created']));
      expect(await log.read({ afterSeq: 0, visibleTo: me, runId: run, limit: 100 })).toEqual(
        all.filter((stored) => stored.seq === 2 || stored.seq === 5),
      );
      expect(
        await log.read({ afterSeq: 0, visibleTo: 'not-a-uuid', kinds: ['user_signed_in'], limit: 100 }),
      ).toEqual([]);
    });

    it('pages through exactly the visible log', async () => {
      const { log, all } = await filled();
      const seen: StoredEvent[] = [];
      let afterSeq = 0;
      for (let pages = 0; pages < 10; pages++) {
        const page = await log.read({ afterSeq, visibleTo: me, limit: 2 });
        if (page.length === 0) break;
        seen.push(...page);
        afterSeq = (page.at(-1) as StoredEvent).seq;
      }
      expect(seen).toEqual(visible(all));
    });
  });
}
