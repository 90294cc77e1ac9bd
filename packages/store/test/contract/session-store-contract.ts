import { randomUUID } from 'node:crypto';
import type { SessionStore } from '@ironflow/store';
import { describe, expect, it } from 'vitest';

/** Builds a fresh, empty session store of the backend under test, and a user to own sessions. */
export type MakeSessionStore = () => Promise<{ store: SessionStore; userId: string }>;

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

/** The behaviour every `SessionStore` backend must show. */
export function describeSessionStore(name: string, makeStore: MakeSessionStore): void {
  describe(`SessionStore contract: ${name}`, () => {
    async function started() {
      const { store, userId } = await makeStore();
      const id = randomUUID();
      await store.start({ id, userId, tokenId: 't1', expiresAt: inDays(7) });
      return { store, id };
    }

    it('rotates the current token, and each token only once', async () => {
      const { store, id } = await started();
      expect(await store.isLive(id)).toBe(true);
      expect(await store.rotate({ id, tokenId: 't1', nextTokenId: 't2', expiresAt: inDays(7) })).toBe(
        'rotated',
      );
      expect(await store.rotate({ id, tokenId: 't2', nextTokenId: 't3', expiresAt: inDays(7) })).toBe(
        'rotated',
      );
      expect(await store.isLive(id)).toBe(true);
    });

    it('revokes the whole session when a rotated token comes back', async () => {
      const { store, id } = await started();
      await store.rotate({ id, tokenId: 't1', nextTokenId: 't2', expiresAt: inDays(7) });
      expect(await store.rotate({ id, tokenId: 't1', nextTokenId: 'x', expiresAt: inDays(7) })).toBe(
        'reused',
      );
      expect(await store.isLive(id)).toBe(false);
      // The current token is dead too: the thief and the victim both lose the session.
      expect(await store.rotate({ id, tokenId: 't2', nextTokenId: 't3', expiresAt: inDays(7) })).toBe(
        'invalid',
      );
    });

    it('lets exactly one of concurrent rotations of one token win', async () => {
      const { store, id } = await started();
      const outcomes = await Promise.all(
        Array.from({ length: 5 }, (_, index) =>
          store.rotate({ id, tokenId: 't1', nextTokenId: `n${index}`, expiresAt: inDays(7) }),
        ),
      );
      expect(outcomes.filter((outcome) => outcome === 'rotated')).toHaveLength(1);
      expect(await store.isLive(id)).toBe(false);
    });

    it('refuses revoked, expired and unknown sessions', async () => {
      const { store, id } = await started();
      await store.revoke(id);
      await store.revoke(id);
      expect(await store.isLive(id)).toBe(false);
      expect(await store.rotate({ id, tokenId: 't1', nextTokenId: 't2', expiresAt: inDays(7) })).toBe(
        'invalid',
      );

      const { store: other, userId } = await makeStore();
      const old = randomUUID();
      await other.start({
        id: old,
        userId,
        tokenId: 't1',
        expiresAt: new Date(Date.now() - 1000).toISOString(),
      });
      expect(await other.isLive(old)).toBe(false);
      expect(await other.rotate({ id: old, tokenId: 't1', nextTokenId: 't2', expiresAt: inDays(7) })).toBe(
        'invalid',
      );
      expect(
        await other.rotate({ id: randomUUID(), tokenId: 't1', nextTokenId: 't2', expiresAt: inDays(1) }),
      ).toBe('invalid');
      expect(await other.isLive('junk')).toBe(false);
    });
  });
}
