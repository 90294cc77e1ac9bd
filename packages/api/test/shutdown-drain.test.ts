import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { RUN_A, runCreated } from './support/sample-events.js';
import { SseClient } from './support/sse-client.js';
import { useTestServers, WORKER_TOKEN } from './support/test-server.js';

const server = useTestServers();

describe('IronflowApp.close()', () => {
  it('finishes ingests in flight before ending streams, so no acknowledged event misses them', async () => {
    const srv = await server();
    const follower = await SseClient.open(`${srv.url}/api/v1/events`, {
      authorization: `Bearer ${srv.token()}`,
    });

    // An ingest whose body is still arriving when shutdown starts.
    const body = JSON.stringify(runCreated(RUN_A, 'in-flight'));
    const url = new URL(`${srv.url}/api/v1/internal/events`);
    let status = 0;
    const pending = request(url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${WORKER_TOKEN}`,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      },
    });
    const answered = new Promise<void>((resolve) =>
      pending.on('response', (res) => {
        status = res.statusCode ?? 0;
        res.resume();
        res.on('end', resolve);
      }),
    );
    const arrived = new Promise<void>((resolve) =>
      srv.http.on('request', (req) => {
        if (req.url === '/api/v1/internal/events') resolve();
      }),
    );
    pending.write(body.slice(0, 10));
    await arrived;
    expect(srv.ironflow.hub.size).toBe(1);

    const closed = srv.ironflow.close();
    const refused = await fetch(`${srv.url}/api/v1/health-check`).catch(() => null);
    if (refused) {
      expect(refused.status).toBe(503);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('SERVICE_UNAVAILABLE');
    }
    pending.end(body.slice(10));
    await answered;
    await closed;

    expect(status).toBe(202);
    await follower.waitForEnd();
    expect(follower.messages.map((m) => JSON.parse(m.data).workflow_name)).toEqual(['in-flight']);
  });
});
