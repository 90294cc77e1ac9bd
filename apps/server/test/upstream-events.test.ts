import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { EVENT_KIND_NAMES, EVENT_KINDS, eventCatalog, RUN_EVENT_KINDS } from '@ironflow/engine';
import { adminUrl, freshDatabase, waitFor, within } from '@ironflow/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_WORKER_TOKEN } from '../src/dev-defaults.js';
import { runCli, type ServerProcess, spawnServer } from './support/built.js';
import { type SseMessage, takeSseMessages } from './support/sse-messages.js';
import { LEGACY_EVENTS, LEGACY_LOG_LINE, UPSTREAM_EVENTS } from './support/upstream-events.js';

// Upstream's exact JSON for every kind goes in through the built server's ingest route and comes out
// of a live stream, a replay and a webhook, value for value, in order, unknown fields kept after the
// known ones, times as sent. A number may be respelled (`5.0` as `5`): values are compared, not bytes.

interface AuditItem {
  readonly event_type: string;
  readonly payload: unknown;
  readonly run_id: string | null;
  readonly step_id: string | null;
  readonly user_id: string | null;
  readonly created_at: string;
}

const KNOWN_FIELDS = new Map(
  eventCatalog.map((info) => [info.kind as string, info.fields.map((f) => f.name)]),
);

/** The event as the server must write it: `type`, the known fields in order, then the unknown ones as given. */
function expectedWire(sent: Record<string, unknown>, defaults: Record<string, unknown> = {}): string {
  const known = KNOWN_FIELDS.get(sent.type as string) ?? [];
  const out: Record<string, unknown> = { type: sent.type };
  for (const name of known) out[name] = name in sent ? sent[name] : defaults[name];
  for (const [name, value] of Object.entries(sent)) if (!(name in out)) out[name] = value;
  return JSON.stringify(out);
}

/** A stream read with fetch, split into SSE messages as they arrive. */
async function openStream(url: string, token: string, query: string) {
  const controller = new AbortController();
  const response = await fetch(`${url}/api/v1/events${query}`, {
    headers: { authorization: `Bearer ${token}` },
    signal: controller.signal,
  });
  const messages: SseMessage[] = [];
  let buffer = '';
  const decoder = new TextDecoder();
  const reading = (async () => {
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      const taken = takeSseMessages(buffer + decoder.decode(value, { stream: true }));
      messages.push(...taken.messages);
      buffer = taken.rest;
    }
  })().catch(() => {});
  return { response, messages, close: () => controller.abort(), reading };
}

const database = freshDatabase('ironflow_upstream');

/** One built server with a webhook receiver, on the given backend, for one describe block. */
function useServer(env: () => Record<string, string>) {
  const state = { server: undefined as ServerProcess | undefined, url: '', token: '', hooks: [] as string[] };
  let receiver: http.Server | undefined;
  const cleanups: (() => void)[] = [];
  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        state.hooks.push(Buffer.concat(chunks).toString('utf8'));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver?.listen(0, '127.0.0.1', resolve));
    state.server = spawnServer({
      PORT: '0',
      WEBHOOK_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
      // Every name a list accepts, the audit-only secrets_rotated included.
      WEBHOOK_EVENTS: EVENT_KIND_NAMES.join(','),
      ...env(),
    });
    const line = await within(
      15_000,
      'the server to listen',
      state.server.logLine((l) => l.msg === 'ironflow listening'),
    );
    state.url = line.url as string;
    state.token = (await runCli(['token', '--user', 'alice', '--admin'])).stdout.trim();
  });
  afterAll(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
    if (state.server?.child.exitCode === null) state.server.child.kill('SIGKILL');
    receiver?.closeAllConnections();
    receiver?.close();
  });
  return { state, cleanups };
}

function ingestText(url: string, body: string): Promise<Response> {
  return fetch(`${url}/api/v1/internal/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${DEV_WORKER_TOKEN}`, 'content-type': 'application/json' },
    body,
  });
}

for (const backend of ['memory', 'postgres'] as const) {
  describe.skipIf(backend === 'postgres' && adminUrl === '')(
    `upstream's events through the built server (${backend})`,
    () => {
      if (backend === 'postgres') {
        beforeAll(() => database.create());
        afterAll(() => database.drop());
      }
      const { state, cleanups } = useServer(
        (): Record<string, string> => (backend === 'postgres' ? { DATABASE_URL: database.url } : {}),
      );

      it('carries every one of the 20 kinds value for value on the live stream, the replay and the webhook', async () => {
        const { url, token, hooks } = state;
        expect(Object.keys(UPSTREAM_EVENTS)).toEqual(EVENT_KINDS);
        // The dashboard's URL: the kinds sorted and joined with %2C.
        const types = [...EVENT_KINDS].sort().join('%2C');
        const live = await openStream(url, token, `?types=${types}`);
        cleanups.push(live.close);
        expect(live.response.status).toBe(200);

        const texts = Object.values(UPSTREAM_EVENTS);
        const answer = await ingestText(url, `[${texts.join(',')}]`);
        expect(answer.status, await answer.clone().text()).toBe(202);
        const expected = texts.map((text) => expectedWire(JSON.parse(text)));

        await waitFor(() => live.messages.length >= expected.length, 'the 20 live events');
        expect(live.messages.map((m) => m.event)).toEqual(EVENT_KINDS);
        expect(live.messages.map((m) => m.data)).toEqual(expected);

        const replay = await openStream(url, token, '?last_event_id=earliest');
        cleanups.push(replay.close);
        await waitFor(() => replay.messages.length >= expected.length, 'the 20 replayed events');
        expect(replay.messages.slice(0, expected.length).map((m) => m.data)).toEqual(expected);
        expect(replay.messages.slice(0, expected.length).map((m) => m.id)).toEqual(
          live.messages.map((m) => m.id),
        );

        await waitFor(() => hooks.length >= expected.length, 'the 20 webhook deliveries');
        // One subscriber, in publish order: the bodies are the `data:` bytes.
        expect(hooks.slice(0, expected.length)).toEqual(expected);

        // History: the admin audit log, newest first, carries the same payloads and the accessors.
        const audit = await fetch(`${url}/api/v1/audit-logs?per_page=100`, {
          headers: { authorization: `Bearer ${token}` },
        });
        expect(audit.status).toBe(200);
        const items = ((await audit.json()) as { data: AuditItem[] }).data
          .slice(0, expected.length)
          .reverse();
        expect(items.map((item) => JSON.stringify(item.payload))).toEqual(expected);
        for (const item of items) {
          const payload = item.payload as Record<string, unknown>;
          expect(item.event_type).toBe(payload.type);
          expect(item.run_id).toBe(RUN_EVENT_KINDS.includes(payload.type as never) ? payload.run_id : null);
          expect(item.step_id).toBe(typeof payload.step_id === 'string' ? payload.step_id : null);
          expect(item.user_id).toBe(String(payload.type).startsWith('user_') ? payload.user_id : null);
          expect(item.created_at).toBe(payload.at);
        }
      });

      it("gives legacy payloads upstream's defaults on the wire, and a log_line without id a new UUID v7", async () => {
        const { url, token } = state;
        const live = await openStream(url, token, '');
        cleanups.push(live.close);
        const answer = await ingestText(
          url,
          `[${[...LEGACY_EVENTS.map((legacy) => legacy.sent), LEGACY_LOG_LINE].join(',')}]`,
        );
        expect(answer.status, await answer.clone().text()).toBe(202);
        await waitFor(() => live.messages.length >= LEGACY_EVENTS.length + 1, 'the legacy events');
        LEGACY_EVENTS.forEach((legacy, index) => {
          expect(live.messages[index]?.data).toBe(expectedWire(JSON.parse(legacy.sent), legacy.defaults));
        });
        const line = JSON.parse(live.messages[LEGACY_EVENTS.length]?.data ?? '{}') as Record<string, unknown>;
        expect(Object.keys(line)).toEqual([
          'type',
          'id',
          'run_id',
          'step_id',
          'step_name',
          'stream',
          'line',
          'at',
        ]);
        expect(line.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      });

      it.each([
        'provider_account.updated,provider_account.usage_updated',
        'provider_account.updated%2Cprovider_account.usage_updated',
        'secrets_rotated',
      ])('opens a stream for ?types=%s (200), which the dashboard needs', async (types) => {
        const { url, token } = state;
        const stream = await openStream(url, token, `?types=${types}`);
        cleanups.push(stream.close);
        expect(stream.response.status).toBe(200);
        expect(stream.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      });

      it('refuses to ingest secrets_rotated like an unknown kind', async () => {
        const { url } = state;
        const answer = await ingestText(url, '{"type":"secrets_rotated","at":"2026-11-27T14:00:00Z"}');
        expect(answer.status).toBe(400);
        const body = (await answer.json()) as { error: { code: string; details: { message: string }[] } };
        expect(body.error.code).toBe('VALIDATION_FAILED');
        expect(body.error.details[0]?.message).toBe('unknown event kind: secrets_rotated');
      });

      it('answers an unknown kind in ?types= with the exact message and the accepted names in details', async () => {
        const { url, token } = state;
        const answer = await fetch(`${url}/api/v1/events?types=provider_account.created`, {
          headers: { authorization: `Bearer ${token}` },
        });
        expect(answer.status).toBe(400);
        expect(await answer.json()).toEqual({
          error: {
            code: 'BAD_REQUEST',
            message: 'unknown event kind: provider_account.created',
            details: [{ known_kinds: [...EVENT_KIND_NAMES] }],
          },
        });
      });

      it("returns the log_line from its run's log entries with its id, as the dashboard's console reads it", async () => {
        const { url, token } = state;
        const answer = await ingestText(url, UPSTREAM_EVENTS.log_line as string);
        expect(answer.status, await answer.clone().text()).toBe(202);
        const logLine = JSON.parse(UPSTREAM_EVENTS.log_line as string) as Record<string, string>;
        const response = await fetch(`${url}/api/v1/runs/${logLine.run_id}/logs?limit=1000&stream=stderr`, {
          headers: { authorization: `Bearer ${token}` },
        });
        expect(response.status).toBe(200);
        const body = (await response.json()) as { data: unknown[]; meta: unknown };
        expect(body.data.at(-1)).toEqual({
          id: logLine.id,
          run_id: logLine.run_id,
          step_id: logLine.step_id,
          step_name: logLine.step_name,
          stream: 'stderr',
          line: '',
          created_at: logLine.at,
        });
        expect(body.meta).toEqual({
          page: null,
          per_page: null,
          total: null,
          next_cursor: null,
          has_more: false,
        });
      });
    },
  );
}
