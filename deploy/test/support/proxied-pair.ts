import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Browser, freshDatabase, launchChromium, selfSignedCertificate } from '@ironflow/test-support';
import { afterAll, beforeAll } from 'vitest';
import { type Instance, startInstancePair, stopInstances } from './instance.js';

/** What a reverse-proxy test gets: the proxy in front of two instances, and a browser. */
export interface ProxiedPair<Proxy> {
  readonly browser: Browser;
  readonly proxy: Proxy;
  readonly instances: [Instance, Instance];
  readonly workerToken: string;
}

/**
 * Registers, in the calling `describe`, what the nginx and Caddy tests both set up: a fresh
 * PostgreSQL database named after `name`, two built instances on it, a self-signed certificate in a
 * directory of the test's own, the proxy `start` runs there in front of the instances, and Chromium;
 * all stopped and removed after the last test. `assert` says what is missing before anything starts.
 */
export function proxiedPair<Proxy extends { stop(): Promise<void> }>(options: {
  readonly name: string;
  readonly assert: () => void;
  readonly start: (
    dir: string,
    tls: { readonly cert: string; readonly key: string },
    instances: readonly [Instance, Instance],
  ) => Promise<Proxy>;
}): ProxiedPair<Proxy> {
  const database = freshDatabase(`ironflow_${options.name}`);
  let dir = '';
  let browser: Browser | undefined;
  let proxy: Proxy | undefined;
  let instances: [Instance, Instance] | undefined;
  let workerToken = '';

  beforeAll(async () => {
    options.assert();
    dir = await mkdtemp(path.join(tmpdir(), `ironflow-${options.name}-`));
    await database.create();
    ({ instances, workerToken } = await startInstancePair(database.url));
    proxy = await options.start(dir, await selfSignedCertificate(dir), instances);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await proxy?.stop();
    await stopInstances(instances ?? []);
    await database.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the proxied pair starts in beforeAll: use it inside a test');
    return value;
  };
  return {
    get browser() {
      return started(browser);
    },
    get proxy() {
      return started(proxy);
    },
    get instances() {
      return started(instances);
    },
    get workerToken() {
      return workerToken;
    },
  };
}
