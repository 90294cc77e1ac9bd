import { describe, expect, it } from 'vitest';
import { RUN_A, runCreated } from './support/sample-events.js';
import { SseClient } from './support/sse-client.js';
import { type TestServer, useTestServers, WORKER_TOKEN } from './support/test-server.js';

const clients: SseClient[] = [];
const server = useTestServers(() => {
  for (const client of clients.splice(0)) client.close();
});
async function scrape(srv: TestServer, headers: Record<string, string> = {}): Promise<Map<string, number>> {
  const response = await fetch(`${srv.url}/metrics`, { headers });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  const values = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const at = line.lastIndexOf(' ');
    values.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return values;
}

describe('GET /metrics', () => {
  it('moves as clients connect, events flow, ingests are refused and streams replay', async () => {
    const srv = await server({ historyLimit: 1 });
    const before = await scrape(srv);
    expect(before.get('ironflow_sse_connections')).toBe(0);
    expect(before.has('process_cpu_user_seconds_total')).toBe(true);

    const open = async (headers: Record<string, string> = {}) => {
      const client = await SseClient.open(`${srv.url}/api/v1/events`, {
        authorization: `Bearer ${srv.token()}`,
        ...headers,
      });
      clients.push(client);
      return client;
    };
    const first = await open();
    const second = await open();
    await srv.ingest([runCreated(RUN_A), { type: 'approval_granted', run_id: RUN_A, approved_by: 'a' }]);
    await srv.ingest(runCreated(RUN_A));
    await first.waitForMessages(3);
    await second.waitForMessages(3);
    expect((await srv.ingest([{ type: 'nope' }])).status).toBe(400);
    expect((await fetch(`${srv.url}/api/v1/internal/events`, { method: 'POST' })).status).toBe(401);

    // An evicted cursor: one gap, then the one retained event.
    const resumed = await open({ 'last-event-id': `${srv.log.epoch}-0000000000000001` });
    await resumed.waitForMessages(2);

    const after = await scrape(srv);
    expect(after.get('ironflow_sse_connections')).toBe(3);
    expect(after.get('ironflow_sse_streams_opened_total')).toBe(3);
    expect(after.get('ironflow_events_appended_total{kind="run_created"}')).toBe(2);
    expect(after.get('ironflow_events_appended_total{kind="approval_granted"}')).toBe(1);
    // Every kind has its series from the start, dotted names included.
    expect(after.get('ironflow_events_appended_total{kind="provider_account.usage_updated"}')).toBe(0);
    expect(after.get('ironflow_events_delivered_total')).toBe(3 + 3 + 1);
    expect(after.get('ironflow_events_replayed_total')).toBe(1);
    expect(after.get('ironflow_replay_events_count')).toBe(1);
    expect(after.get('ironflow_sse_gaps_total')).toBe(1);
    expect(after.get('ironflow_ingest_rejections_total{code="VALIDATION_FAILED"}')).toBe(1);
    expect(after.get('ironflow_ingest_rejections_total{code="INVALID_WORKER_TOKEN"}')).toBe(1);
    expect(after.get('ironflow_publish_to_send_seconds_count')).toBe(2);

    first.close();
    await first.waitUntil(() => srv.ironflow.hub.size === 2, 'the hub to see the close');
    const closed = await scrape(srv);
    expect(closed.get('ironflow_sse_connections')).toBe(2);
    expect(closed.get('ironflow_sse_streams_closed_total{reason="client"}')).toBe(1);
  });

  it('requires the worker token in production', async () => {
    const srv = await server({ environment: 'production' });
    const refused = await fetch(`${srv.url}/metrics`);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('INVALID_WORKER_TOKEN');
    const values = await scrape(srv, { authorization: `Bearer ${WORKER_TOKEN}` });
    expect(values.get('ironflow_sse_connections')).toBe(0);
  });
});
