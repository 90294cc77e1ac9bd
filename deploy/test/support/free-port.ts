import { createServer } from 'node:net';

/**
 * A port of 127.0.0.1 that was free a moment ago, for servers that cannot be given port 0 (nginx,
 * Caddy): the caller retries on another one if it was taken in between.
 */
export function probablyFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
