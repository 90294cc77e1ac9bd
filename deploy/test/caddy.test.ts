import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  adminUrl,
  type Browser,
  freshDatabase,
  launchChromium,
  selfSignedCertificate,
  within,
} from '@ironflow/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertCaddy, type RunningCaddy, startCaddy } from './support/caddy.js';
import { expectStreamsSurviveFailover, STREAMS } from './support/failover.js';
import { type Instance, startInstancePair, stopInstances } from './support/instance.js';

// deploy/caddy/ironflow.caddy, as shipped, in front of two built instances on one fresh PostgreSQL
// database: the same browser scenario as the nginx test.
const SITE = fileURLToPath(new URL('../caddy/ironflow.caddy', import.meta.url));

const database = freshDatabase('ironflow_caddy');
if (adminUrl === '') console.warn('[deploy] IRONFLOW_TEST_DATABASE_URL is unset: the Caddy test is skipped.');

describe.skipIf(adminUrl === '')('Caddy (deploy/caddy) in front of two instances on PostgreSQL', () => {
  let dir = '';
  let browser: Browser | undefined;
  let caddy: RunningCaddy | undefined;
  let instances: [Instance, Instance] | undefined;
  let workerToken = '';

  beforeAll(async () => {
    assertCaddy();
    dir = await mkdtemp(path.join(tmpdir(), 'ironflow-caddy-'));
    await database.create();
    ({ instances, workerToken } = await startInstancePair(database.url));
    const [first, second] = instances;
    const { cert, key } = await selfSignedCertificate(dir);
    caddy = await startCaddy(dir, SITE, (port) => ({
      IRONFLOW_SITE: `https://127.0.0.1:${port}`,
      IRONFLOW_TLS: `tls ${cert} ${key}`,
      IRONFLOW_INSTANCE_1: first.address,
      IRONFLOW_INSTANCE_2: second.address,
    }));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await caddy?.stop();
    await stopInstances(instances ?? []);
    await database.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('serves 12 EventSources of one page over HTTP/2, and resumes them on the other instance after a SIGKILL, nothing lost or repeated', async () => {
    const running = caddy as RunningCaddy;
    const { resumed } = await expectStreamsSurviveFailover({
      browser: browser as Browser,
      origin: running.origin,
      instances: instances as [Instance, Instance],
      workerToken,
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
