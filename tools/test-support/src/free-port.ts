import { createServer } from 'node:net';

/**
 * A port of 127.0.0.1 that was free a moment ago, for servers that cannot be given port 0 (nginx,
 * Caddy, a child process whose URL the test must know before it starts): another process may take
 * it in between, so a caller that cannot tolerate that retries on another one.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
