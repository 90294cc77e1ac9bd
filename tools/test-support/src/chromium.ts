import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserType, LaunchOptions } from 'playwright-core';

/** playwright-core, loaded on first use: the Node-only users of this package (the soak's bundle) need no driver. */
function playwrightChromium(): BrowserType {
  return (createRequire(import.meta.url)('playwright-core') as typeof import('playwright-core')).chromium;
}

/** Where Debian's `chromium` package puts the browser (`.ci/run` installs it). */
const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/**
 * The flags every browser test runs with: headless without a sandbox or GPU (containers, CI), no
 * background traffic of the browser's own (updates, sync, QUIC probes) to disturb what a test
 * counts, and self-signed certificates accepted (the TLS tests generate their own).
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--ignore-certificate-errors',
];

/** Why no browser was found, and every way to provide one. */
export class ChromiumNotFoundError extends Error {
  override readonly name = 'ChromiumNotFoundError';
}

/**
 * The Chromium the browser tests drive: `$CHROMIUM_PATH` when set (it must exist), else Debian's
 * `/usr/bin/chromium`, else a browser playwright installed (`npx playwright install chromium`).
 * playwright-core itself never downloads one.
 *
 * @throws ChromiumNotFoundError saying how to provide a browser.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.CHROMIUM_PATH?.trim();
  if (configured) {
    if (existsSync(configured)) return configured;
    throw new ChromiumNotFoundError(
      `CHROMIUM_PATH=${configured} does not exist; point it at a Chromium or Chrome executable, or unset it to use ${DEBIAN_CHROMIUM}`,
    );
  }
  if (existsSync(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM;
  const playwrights = playwrightChromium().executablePath();
  if (playwrights && existsSync(playwrights)) return playwrights;
  throw new ChromiumNotFoundError(
    `no Chromium found for the browser tests: set CHROMIUM_PATH to a Chromium or Chrome executable, or install one (Debian: \`apt-get update && apt-get install -y chromium\`, which .ci/run does; elsewhere: \`npx playwright@1.65.1 install chromium\`)`,
  );
}

/**
 * Launches the browser of {@link findChromium} with {@link CHROMIUM_ARGS} (plus `extraArgs`).
 * Close it in `afterAll`.
 *
 * @example
 * ```ts
 * let browser: Browser;
 * beforeAll(async () => { browser = await launchChromium(); });
 * afterAll(async () => { await browser?.close(); });
 * ```
 */
export function launchChromium(
  options: LaunchOptions & { extraArgs?: readonly string[] } = {},
): Promise<Browser> {
  const { extraArgs = [], ...launch } = options;
  return playwrightChromium().launch({
    executablePath: findChromium(),
    ...launch,
    args: [...CHROMIUM_ARGS, ...extraArgs, ...(launch.args ?? [])],
  });
}
