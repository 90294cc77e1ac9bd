import { readdirSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { createTokenService } from '@ironflow/auth';
import { exampleEvents } from '@ironflow/engine';
import { waitFor, within } from '@ironflow/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { DEV_JWT_SECRET, DEV_WORKER_TOKEN } from '../src/dev-defaults.js';
import { type ServerProcess, spawnServer } from './support/built.js';

// The server's sockets released whatever its clients do (docs/PROTOCOL.md §3 "Limits"), seen from outside:
// the built server in its own process, its file descriptors counted in /proc/<pid>/fd.

const running: ServerProcess[] = [];
const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const server of running.splice(0)) if (server.child.exitCode === null) server.child.kill('SIGKILL');
});

async function start(): Promise<{ server: ServerProcess; port: number }> {
  const server = spawnServer({
    PORT: '0',
    // Generous, so a client that stops reading is ended like the others, not cut as slow.
    SSE_MAX_BUFFERED_BYTES: String(256 * 1024 * 1024),
  });
  running.push(server);
  await within(
    10_000,
    'the server to listen',
    server.logLine((line) => line.msg === 'ironflow listening'),
  );
  const line = server.stdoutLines.map((text) => JSON.parse(text)).find((l) => l.msg === 'ironflow listening');
  return { server, port: line.port as number };
}

const fdCount = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;

type Behaviour = 'half-open' | 'stalled';

/** A raw stream client that, once the stream opened, keeps its half open or stops reading. */
function hold(port: number, token: string, behaviour: Behaviour): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    sockets.push(socket);
    let text = '';
    socket.setEncoding('latin1');
    socket.on('error', () => {}); // the server cutting it is what the test waits for
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (!text.includes(': connected\n\n')) return;
      if (behaviour === 'stalled') socket.pause();
      resolve(socket);
    });
    socket.once('close', () => reject(new Error(`stream closed before it opened: ${text.slice(0, 300)}`)));
    socket.write(
      `GET /api/v1/events HTTP/1.1\r\nHost: ironflow.test\r\nAuthorization: Bearer ${token}\r\n\r\n`,
    );
  });
}

/** ~8 KB events, enough to fill the kernel's buffers of a client that stopped reading. */
async function ingestBulky(port: number, total: number): Promise<void> {
  const labels = { filler: 'x'.repeat(8_000) };
  for (let sent = 0; sent < total; sent += 100) {
    const batch = Array.from({ length: 100 }, () => ({ ...exampleEvents.run_status_changed, labels }));
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/internal/events`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${DEV_WORKER_TOKEN}`,
        'content-type': 'application/json',
        connection: 'close',
      },
      body: JSON.stringify(batch),
    });
    expect(response.status).toBe(202);
  }
}

describe('sockets of streams the server ends (built server)', () => {
  it('are released within 5 s of expiry, round after round, however the clients behave', async () => {
    const { server, port } = await start();
    const pid = server.child.pid as number;
    // Tokens that expire about a second after they are minted.
    const shortLived = createTokenService({ secret: DEV_JWT_SECRET, accessTtlSeconds: 1 });
    const baseline = fdCount(pid);

    for (let round = 1; round <= 3; round++) {
      const token = shortLived.mintAccess({ userId: crypto.randomUUID(), username: 'u', isAdmin: false });
      const behaviours: Behaviour[] = [
        'half-open',
        'half-open',
        'half-open',
        'stalled',
        'stalled',
        'stalled',
      ];
      const held = await Promise.all(behaviours.map((behaviour) => hold(port, token, behaviour)));
      expect(held).toHaveLength(6);
      await ingestBulky(port, 1_000);
      expect(fdCount(pid)).toBeGreaterThanOrEqual(baseline + 6);
      // Expiry (≤ 2 s after exp) plus release (≤ 5 s after the end): back to the baseline.
      await waitFor(
        () => fdCount(pid) <= baseline,
        `round ${round}: the server's fds back to ${baseline}`,
        9_000,
      );
      for (const socket of sockets.splice(0)) socket.destroy();
    }
  }, 60_000);

  it('exits 0 on SIGTERM within its 10 s deadline with half-open and non-reading clients connected', async () => {
    const { server, port } = await start();
    const tokens = createTokenService({ secret: DEV_JWT_SECRET });
    const token = tokens.mintAccess({ userId: crypto.randomUUID(), username: 'u', isAdmin: false });
    await Promise.all(
      (['half-open', 'half-open', 'stalled', 'stalled'] as const).map((behaviour) =>
        hold(port, token, behaviour),
      ),
    );
    await ingestBulky(port, 1_500);
    const signalledAt = Date.now();
    server.child.kill('SIGTERM');
    expect(await within(12_000, 'the process to exit', server.exited)).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalledAt).toBeLessThan(10_000);
  }, 60_000);
});
