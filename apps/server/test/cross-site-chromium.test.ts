import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { launchChromium } from '@ironflow/test-support';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { type RunningServer, startServer } from '../src/server.js';

// A signed-in victim visits a page on another site (http://localhost:<other port> against the
// server on http://127.0.0.1:<port>) that auto-submits forms and fires fetches at the routes
// that change state with the session cookie. None of it may sign the victim out or create a key.
let browser: Browser;
let ironflow: RunningServer;
let attacker: Server;
let attackerOrigin = '';

function attackPage(target: string): string {
  // A form POST navigates the top-level page: the classic logout CSRF, which needs no cookie to
  // be sent, only the response's Set-Cookie that clears them.
  return `<!doctype html><html><body>
<form id="out" method="POST" action="${target}/api/v1/auth/sign-out"></form>
<script>
  const key = { name: 'evil', scopes: ['events:read', 'events:write'] };
  Promise.allSettled([
    fetch('${target}/api/v1/api-keys', { method: 'POST', credentials: 'include', mode: 'no-cors',
      headers: { 'content-type': 'text/plain' }, body: JSON.stringify(key) }),
    fetch('${target}/api/v1/auth/refresh', { method: 'POST', credentials: 'include', mode: 'no-cors' }),
  ]).then(() => document.getElementById('out').submit());
</script></body></html>`;
}

function keyFormPage(target: string): string {
  // text/plain forms can carry a JSON-looking body: the nearest a form gets to the key route.
  return `<!doctype html><html><body>
<form id="key" method="POST" enctype="text/plain" action="${target}/api/v1/api-keys">
<input name='{"name":"evil","scopes":["events:read"],"x":"' value='"}'></form>
<script>document.getElementById('key').submit();</script></body></html>`;
}

beforeAll(async () => {
  browser = await launchChromium();
  ironflow = await startServer(loadConfig({ PORT: '0' }), createLogger('silent'));
  attacker = createServer((req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(req.url === '/key-form' ? keyFormPage(ironflow.url) : attackPage(ironflow.url));
  });
  attacker.listen(0, '127.0.0.1');
  await once(attacker, 'listening');
  attackerOrigin = `http://localhost:${(attacker.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await browser?.close();
  attacker?.closeAllConnections();
  attacker?.close();
  await ironflow?.close();
});

describe('cross-site requests in Chromium', () => {
  it('cannot sign the victim out, refresh their session or create a key from another site', async () => {
    expect(new URL(ironflow.url).hostname).toBe('127.0.0.1');
    const context = await browser.newContext();
    const statuses: string[] = [];
    context.on('response', (response) => {
      const { pathname } = new URL(response.url());
      if (response.url().startsWith(ironflow.url) && response.request().method() === 'POST') {
        statuses.push(`${pathname} ${response.status()}`);
      }
    });
    const victim = await context.newPage();
    await victim.goto(`${ironflow.url}/`);
    const signUp = await victim.evaluate(async () => {
      const response = await fetch('/api/v1/auth/sign-up', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          email: 'ada@example.com',
          username: 'ada',
          password: 'correct horse battery',
        }),
      });
      return response.status;
    });
    expect(signUp).toBe(201);
    statuses.length = 0;

    const attack = await context.newPage();
    await attack.goto(`${attackerOrigin}/`);
    await attack.waitForURL(`${ironflow.url}/api/v1/auth/sign-out`, { timeout: 20_000 });
    expect(await attack.locator('body').textContent()).toContain('cross-site request refused');
    await attack.goto(`${attackerOrigin}/key-form`);
    await attack.waitForURL(`${ironflow.url}/api/v1/api-keys`, { timeout: 20_000 });

    expect(statuses.sort()).toEqual(
      [
        '/api/v1/api-keys 403',
        '/api/v1/api-keys 403',
        '/api/v1/auth/refresh 403',
        '/api/v1/auth/sign-out 403',
      ].sort(),
    );
    // The victim is still signed in, with their session intact, and owns no key.
    const after = await victim.evaluate(async () => {
      const me = await fetch('/api/v1/auth/me');
      const keys = (await (await fetch('/api/v1/api-keys')).json()) as { data: unknown[] };
      const refresh = await fetch('/api/v1/auth/refresh', { method: 'POST' });
      return { me: me.status, keys: keys.data.length, refresh: refresh.status };
    });
    expect(after).toEqual({ me: 200, keys: 0, refresh: 200 });
    await context.close();
  });
});
