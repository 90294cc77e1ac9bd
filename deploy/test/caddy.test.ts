import { fileURLToPath } from 'node:url';
import { adminUrl, within } from '@ironflow/test-support';
import { describe, expect, it } from 'vitest';
import { assertCaddy, startCaddy } from './support/caddy.js';
import { expectStreamsSurviveFailover, STREAMS } from './support/failover.js';
import { proxiedPair } from './support/proxied-pair.js';

// deploy/caddy/ironflow.caddy, as shipped, in front of two built instances on one fresh PostgreSQL
// database: the same browser scenario as the nginx test.
const SITE = fileURLToPath(new URL('../caddy/ironflow.caddy', import.meta.url));

if (adminUrl === '') console.warn('[deploy] IRONFLOW_TEST_DATABASE_URL is unset: the Caddy test is skipped.');

describe.skipIf(adminUrl === '')('Caddy (deploy/caddy) in front of two instances on PostgreSQL', () => {
  const pair = proxiedPair({
    name: 'caddy',
    assert: assertCaddy,
    start: (dir, { cert, key }, [first, second]) =>
      startCaddy(dir, SITE, (port) => ({
        IRONFLOW_SITE: `https://127.0.0.1:${port}`,
        IRONFLOW_TLS: `tls ${cert} ${key}`,
        IRONFLOW_INSTANCE_1: first.address,
        IRONFLOW_INSTANCE_2: second.address,
      })),
  });

  it('serves 12 EventSources of one page over HTTP/2, and resumes them on the other instance after a SIGKILL, nothing lost or repeated', async () => {
    const running = pair.proxy;
    const { resumed } = await expectStreamsSurviveFailover({
      browser: pair.browser,
      origin: running.origin,
      instances: pair.instances,
      workerToken: pair.workerToken,
    });

    // Caddy logs each stream when it ends: every one came over HTTP/2.
    let streams: Record<string, unknown>[] = [];
    await within(
      30_000,
      'Caddy to log every stream',
      (async () => {
        for (;;) {
          streams = (await running.accessLog()).filter((entry) =>
            String((entry.request as { uri?: string } | undefined)?.uri).startsWith('/api/v1/events?'),
          );
          if (streams.length >= STREAMS + resumed) return;
          await new Promise((resolve) => setTimeout(resolve, 50)); // poll interval; `within` bounds it
        }
      })(),
    );
    expect(streams.every((entry) => (entry.request as { proto: string }).proto === 'HTTP/2.0')).toBe(true);
  }, 120_000);
});
