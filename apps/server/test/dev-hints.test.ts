import { describe, expect, it } from 'vitest';
import { formatDevHints } from '../src/dev-hints.js';

describe('formatDevHints', () => {
  const hints = formatDevHints({
    url: 'http://127.0.0.1:3000',
    accessToken: 'aaa.bbb.ccc',
    accessTtlSeconds: 900,
    username: 'dev',
    workerToken: "it's-a-token",
    cliCommand: 'node apps/server/dist/cli.js',
    runId: '0190a6b2-0000-7000-8000-000000000001',
    caFile: null,
  });

  it('prints a ready-to-paste stream command', () => {
    expect(hints).toContain(
      '  curl -N -H "Authorization: Bearer aaa.bbb.ccc" http://127.0.0.1:3000/api/v1/events\n',
    );
    expect(hints).toContain(
      'valid 15 minutes; new one: node apps/server/dist/cli.js token --user dev --admin',
    );
  });

  it('prints a publish command that quotes the worker token for the shell', () => {
    expect(hints).toContain(
      `curl -X POST -H 'Authorization: Bearer it'\\''s-a-token' -H 'content-type: application/json' -d '{"type":"run_created","run_id":"0190a6b2-0000-7000-8000-000000000001","workflow_name":"deploy"}' http://127.0.0.1:3000/api/v1/internal/events`,
    );
  });
});

describe('formatDevHints over TLS', () => {
  it('tells curl to trust the served certificate in both commands', () => {
    const hints = formatDevHints({
      url: 'https://127.0.0.1:3443',
      accessToken: 'aaa.bbb.ccc',
      accessTtlSeconds: 900,
      username: 'dev',
      workerToken: 'worker',
      cliCommand: 'node apps/server/dist/cli.js',
      runId: '0190a6b2-0000-7000-8000-000000000001',
      caFile: "/tmp/dev's cert.pem",
    });
    expect(hints).toContain(
      `  curl --cacert '/tmp/dev'\\''s cert.pem' -N -H "Authorization: Bearer aaa.bbb.ccc" https://127.0.0.1:3443/api/v1/events\n`,
    );
    expect(hints).toContain(
      `  curl --cacert '/tmp/dev'\\''s cert.pem' -X POST -H 'Authorization: Bearer worker'`,
    );
  });
});
