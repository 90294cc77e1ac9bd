// Runs inside a fresh project outside the workspace, with the packed tarballs installed by npm.
// Prints one JSON line of results; any failure throws (exit code 1).
import http from 'node:http';
import { createApp } from '@ironflow/api';
import { createTokenService, hashPassword, verifyPassword } from '@ironflow/auth';
import { buildStreamUrl } from '@ironflow/client';
import { createWebhookSubscriber, eventJsonSchemas, exampleEvents, validateEvent } from '@ironflow/engine';
import { createMemoryEventLog, createMemoryUserStore } from '@ironflow/store';

const results = {};

const valid = validateEvent({ type: 'run_created', run_id: crypto.randomUUID(), workflow_name: 'deploy' });
results.validated = valid.ok;
results.jsonSchemaKinds = Object.keys(eventJsonSchemas).length;
results.webhookKinds = createWebhookSubscriber({ url: 'https://hooks.example.com/x' }).kinds;

const log = createMemoryEventLog();
const [stored] = await log.append([exampleEvents.run_created]);
results.appended = stored.event.type;

const secret = 'pack-test-secret-that-is-long-enough!!';
const tokens = createTokenService({ secret });
const token = tokens.mintAccess({ userId: crypto.randomUUID(), username: 'alice', isAdmin: true });
results.verified = tokens.verify(token, 'access').username;
results.password = await verifyPassword('hunter2!', await hashPassword('hunter2!'));

const ironflow = createApp({
  log,
  users: createMemoryUserStore(),
  tokens,
  jwtSecret: secret,
  workerToken: 'pack-test-worker-token',
  environment: 'development',
});
const server = http.createServer(ironflow.app.callback());
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;
try {
  results.health = (await fetch(`${base}/api/v1/health-check`)).status;
  results.asyncapi = (await (await fetch(`${base}/api/v1/asyncapi.json`)).json()).asyncapi;
} finally {
  await ironflow.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await log.close();
}

results.streamUrl = buildStreamUrl(base, { types: ['run_failed'] }).slice(base.length);

// Only "." and "./package.json" are exported: this checks what the lint rule forbids in the workspace.
// biome-ignore lint/style/noRestrictedImports: the exported ./package.json subpath is under test
const manifest = await import('@ironflow/engine/package.json', { with: { type: 'json' } });
results.packageJson = manifest.default.name;
// biome-ignore lint/style/noRestrictedImports: a deep import must fail for a consumer
results.deepImport = await import('@ironflow/engine/dist/index.js').then(
  () => 'allowed',
  (error) => error.code,
);

console.log(JSON.stringify(results));
