import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { adminUrl, freshDatabase, waitFor, within } from '@ironflow/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_WORKER_TOKEN } from '../src/dev-defaults.js';
import { cliPath, runCli, serversKilledAfterEach } from './support/built.js';

const database = freshDatabase('ironflow_test');

describe('ironflow serve --workers', () => {
  it('refuses --workers above 1 on the in-memory store, saying why and what to set', async () => {
    const result = await runCli(['serve', '--workers', '2'], { PORT: '0' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('serve --workers 2 needs DATABASE_URL');
    expect(result.stderr).toContain('each worker would keep its own events');
  });

  it('refuses a count that is not a whole number from 1 to 256, and other options', async () => {
    for (const bad of ['0', 'two', '1.5', '257']) {
      const result = await runCli(['serve', '--workers', bad], { PORT: '0' });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`--workers must be a whole number from 1 to 256, got "${bad}"`);
    }
    const typo = await runCli(['serve', '--worker', '2'], { PORT: '0' });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('did you mean --workers?');
  });
});

/** Opens a stream on a connection of its own (so the cluster hands it to a worker of its choice). */
function openStream(url: string, token: string) {
  const seen: number[] = [];
  let buffer = '';
  const request = http.get(`${url}/api/v1/events`, {
    agent: false,
    headers: { authorization: `Bearer ${token}` },
  });
  const opened = new Promise<string>((resolve, reject) => {
    request.on('error', reject);
    request.on('response', (response) => {
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        for (const match of buffer.matchAll(/"line":"(\d+)"/g)) seen.push(Number(match[1]));
        buffer = buffer.slice(buffer.lastIndexOf('\n\n') + 2);
      });
      response.on('error', () => {});
      resolve(String(response.headers['x-request-id']));
    });
  });
  return { seen, opened, close: () => request.destroy() };
}

/** POSTs one batch on a connection of its own; resolves with the request id. */
function ingest(url: string, events: unknown[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify(events);
    const request = http.request(`${url}/api/v1/internal/events`, {
      method: 'POST',
      agent: false,
      headers: {
        authorization: `Bearer ${DEV_WORKER_TOKEN}`,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      },
    });
    request.on('error', reject);
    request.on('response', (response) => {
      response.resume();
      if (response.statusCode !== 202) reject(new Error(`ingest answered ${response.statusCode}`));
      else response.on('end', () => resolve(String(response.headers['x-request-id'])));
    });
    request.end(body);
  });
}

describe.skipIf(adminUrl === '')('ironflow serve --workers 2 on PostgreSQL', () => {
  const spawnBuilt = serversKilledAfterEach();
  let token = '';

  beforeAll(async () => {
    await database.create();
    token = (await runCli(['token', '--user', 'alice', '--admin'])).stdout.trim();
  });
  afterAll(async () => {
    await database.drop();
  });

  it('serves one port from two workers; a stream on one gets what is ingested through the other', async () => {
    const server = spawnBuilt({ PORT: '0', DATABASE_URL: database.url, LOG_LEVEL: 'info' }, cliPath, [
      'serve',
      '--workers',
      '2',
    ]);
    const lines = () => server.stdoutLines.map((text) => JSON.parse(text) as Record<string, unknown>);
    await waitFor(
      () => lines().filter((line) => line.msg === 'ironflow listening').length === 2,
      `two workers listening (stderr: ${server.stderr()})`,
      30_000,
    );
    const listening = lines().filter((line) => line.msg === 'ironflow listening');
    expect(new Set(listening.map((line) => line.pid)).size).toBe(2);
    expect(new Set(listening.map((line) => line.url)).size).toBe(1);
    const url = listening[0]?.url as string;

    // Fresh connections are handed out round-robin: four streams land on both workers.
    const streams = Array.from({ length: 4 }, () => openStream(url, token));
    const streamIds = await within(15_000, 'four streams to open', Promise.all(streams.map((s) => s.opened)));
    const runId = randomUUID();
    const ingestIds: string[] = [];
    for (let n = 0; n < 10; n += 1) {
      ingestIds.push(
        await ingest(url, [
          {
            type: 'log_line',
            id: randomUUID(),
            run_id: runId,
            step_id: randomUUID(),
            step_name: 'build',
            stream: 'stdout',
            line: String(n),
          },
        ]),
      );
    }
    const all = Array.from({ length: 10 }, (_, n) => n);
    await waitFor(() => streams.every((s) => s.seen.length >= 10), 'every stream to get all ten', 15_000);
    for (const stream of streams) expect(stream.seen).toEqual(all);

    // Which worker handled what, from each worker's request log (pid in every line).
    for (const stream of streams) stream.close();
    const pidOf = (reqId: string) =>
      lines().find((line) => line.msg === 'request' && line.reqId === reqId)?.pid;
    await waitFor(
      () => streamIds.every((id) => pidOf(id) !== undefined),
      'the streams’ request lines',
      15_000,
    );
    const streamPids = new Set(streamIds.map(pidOf));
    const ingestPids = new Set(ingestIds.map(pidOf));
    expect(streamPids.size).toBe(2);
    expect(ingestPids.size).toBe(2);
    // So some stream got, in order and once, events ingested through the other worker.

    server.child.kill('SIGTERM');
    const exit = await within(20_000, 'the primary to exit', server.exited);
    expect(exit.code).toBe(0);
    expect(lines().filter((line) => line.msg === 'shut down cleanly')).toHaveLength(2);
  });
});
