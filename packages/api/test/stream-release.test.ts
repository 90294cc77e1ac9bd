import { exampleEvents } from '@ironflow/engine';
import { waitFor } from '@ironflow/test-support';
import { describe, expect, it } from 'vitest';
import { type RawClient, rawClient, streamRequest } from './support/raw-client.js';
import { ingestBulky } from './support/sample-events.js';
import { type TestServer, useTestServers } from './support/test-server.js';

const clients: RawClient[] = [];
const server = useTestServers(() => {
  for (const client of clients.splice(0)) client.socket.destroy();
});

function open(srv: TestServer, token: string, options: Parameters<typeof rawClient>[2] = {}): RawClient {
  const client = rawClient(srv.url, streamRequest(token), options);
  clients.push(client);
  return client;
}

const opened = (text: string) => text.includes(': connected\n\n');

describe('a stream the server ends', () => {
  it('releases its connection within 5 s when the client keeps its half open or never reads, and counts until then', async () => {
    // A generous slow-client bound, so the non-reading client is ended like the others, not cut as slow.
    const srv = await server({ stream: { maxStreamsPerUser: 2, maxBufferedBytes: 256 * 1024 * 1024 } });
    const userId = crypto.randomUUID();
    const token = srv.token({ userId });
    const halfOpen = open(srv, token, { halfOpen: true });
    const stalled = open(srv, token, { halfOpen: true, stopReadingWhen: opened });
    await halfOpen.until('the half-open stream to open', opened);
    await stalled.until('the stalled stream to open', opened);
    // Enough unsent output that the stalled client's end cannot be delivered.
    await ingestBulky(srv, 3_000);
    await waitFor(() => srv.ironflow.hub.inspect().liveConnections === 2, 'both streams live');

    const endedAt = Date.now();
    expect(srv.ironflow.hub.endAll('unavailable')).toBe(2);
    await halfOpen.until('the end of the half-open stream', () => halfOpen.ended());
    expect(halfOpen.closed()).toBe(false); // the client holds its half open
    expect(srv.ironflow.hub.inspect()).toMatchObject({ connections: 2, releasing: 2, liveConnections: 0 });

    // Until released, the two still count against the user's limit.
    const third = await fetch(`${srv.url}/api/v1/events`, { headers: { authorization: `Bearer ${token}` } });
    expect(third.status).toBe(429);
    await third.body?.cancel();

    await waitFor(() => srv.ironflow.hub.size === 0, 'both connections to be released', 5_000);
    expect(Date.now() - endedAt).toBeLessThanOrEqual(5_000);
    const fourth = open(srv, token);
    await fourth.until('a new stream for the same user to open', opened);
  });

  it('ends every matching stream with endWhere, and only those', async () => {
    const srv = await server();
    const alice = crypto.randomUUID();
    const a = open(srv, srv.token({ userId: alice }));
    const b = open(srv, srv.token());
    await a.until('a opened', opened);
    await b.until('b opened', opened);
    expect(srv.ironflow.hub.endWhere((subscriber) => subscriber.userId === alice, 'revoked')).toBe(1);
    await a.until('a ended', () => a.ended());
    await waitFor(() => srv.ironflow.hub.size === 1, 'the ended stream to be released');
    expect(b.ended()).toBe(false);
  });
});

describe('a request pipelined behind a stream', () => {
  const ingest = (body: string) =>
    'POST /api/v1/internal/events HTTP/1.1\r\nHost: ironflow.test\r\nAuthorization: Bearer test-worker-token\r\n' +
    `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  const body = JSON.stringify([exampleEvents.run_created]);

  it('is not run when it arrives with the stream request: the connection is closed instead', async () => {
    const srv = await server();
    const client = rawClient(srv.url, streamRequest(srv.token()) + ingest(body));
    clients.push(client);
    await client.until('the connection to close', () => client.closed());
    expect(client.text()).not.toContain('202');
    // Nothing was appended, and a request on a fresh connection still is.
    expect(srv.log.bounds().headSeq).toBe(0);
    expect((await srv.ingest([exampleEvents.run_created])).status).toBe(202);
    expect(srv.log.bounds().headSeq).toBe(1);
    await waitFor(() => srv.ironflow.hub.size === 0, 'no stream left');
  });

  it('is not run when it arrives once the stream is open: the stream ends', async () => {
    const srv = await server();
    const client = open(srv, srv.token());
    await client.until('the stream to open', opened);
    client.socket.write(ingest(body));
    await client.until('the connection to close', () => client.closed());
    expect(srv.log.bounds().headSeq).toBe(0);
    await waitFor(() => srv.ironflow.hub.size === 0, 'the stream to be released');
  });

  it('still runs, in order, behind an ordinary response', async () => {
    const srv = await server();
    const health = 'GET /api/v1/health-check HTTP/1.1\r\nHost: ironflow.test\r\n\r\n';
    const client = rawClient(srv.url, health + ingest(body));
    clients.push(client);
    await client.until('both answers', (text) => /HTTP\/1\.1 200[\s\S]*HTTP\/1\.1 202/.test(text));
    expect(srv.log.bounds().headSeq).toBe(1);
  });
});
