import { readFile } from 'node:fs/promises';
import { adminUrl, within } from '@ironflow/test-support';
import { describe, expect, it } from 'vitest';
import { expectStreamsSurviveFailover, STREAMS } from './support/failover.js';
import { assertNginx, fillTemplate, startNginx } from './support/nginx.js';
import { proxiedPair } from './support/proxied-pair.js';

// deploy/nginx/ironflow.conf.template, as shipped, in front of two built instances on one fresh
// PostgreSQL database; one Chromium page on the nginx origin holds 12 EventSources, which only
// HTTP/2 allows (HTTP/1.1: 6 connections per origin), and keeps them through the loss of an instance.
const TEMPLATE = new URL('../nginx/ironflow.conf.template', import.meta.url);

if (adminUrl === '') console.warn('[deploy] IRONFLOW_TEST_DATABASE_URL is unset: the nginx test is skipped.');

describe.skipIf(adminUrl === '')('nginx (deploy/nginx) in front of two instances on PostgreSQL', () => {
  const pair = proxiedPair({
    name: 'nginx',
    assert: assertNginx,
    start: async (dir, { cert, key }, [first, second]) => {
      const template = await readFile(TEMPLATE, 'utf8');
      return startNginx(dir, (port) =>
        fillTemplate(template, {
          IRONFLOW_LISTEN: `127.0.0.1:${port}`,
          IRONFLOW_SERVER_NAME: '127.0.0.1',
          IRONFLOW_TLS_CERT: cert,
          IRONFLOW_TLS_KEY: key,
          IRONFLOW_INSTANCE_1: first.address,
          IRONFLOW_INSTANCE_2: second.address,
        }),
      );
    },
  });

  it('serves 12 EventSources of one page over HTTP/2, and resumes them on the other instance after a SIGKILL, nothing lost or repeated', async () => {
    const running = pair.proxy;
    const [killed, survivor] = pair.instances;
    const { resumed } = await expectStreamsSurviveFailover({
      browser: pair.browser,
      origin: running.origin,
      instances: [killed, survivor],
      workerToken: pair.workerToken,
    });

    // nginx logs each stream when it ends: every one came over HTTP/2, and both instances served.
    let lines: string[] = [];
    await within(
      30_000,
      'nginx to log every stream',
      (async () => {
        for (;;) {
          const log = await running.accessLog();
          lines = log.split('\n').filter((line) => line.includes('/api/v1/events?'));
          if (lines.length >= STREAMS + resumed) return;
          await new Promise((resolve) => setTimeout(resolve, 50)); // poll interval; `within` bounds it
        }
      })(),
    );
    expect(lines.every((line) => line.includes('proto=HTTP/2.0'))).toBe(true);
    expect(lines.some((line) => line.includes(`upstream=${killed.address}`))).toBe(true);
    expect(lines.some((line) => line.includes(`upstream=${survivor.address}`))).toBe(true);
  }, 120_000);
});
