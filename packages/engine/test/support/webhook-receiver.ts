import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the receiver saw it: raw body bytes, headers and arrival time. */
export interface ReceivedRequest {
  readonly body: Buffer;
  readonly headers: http.IncomingHttpHeaders;
  readonly at: number;
}

/** A status to answer with, or `'hang'` to never answer. */
export type Answer = number | 'hang';

/** A real HTTP receiver on a free port answering request n with `answers[n]` (then 204). */
export async function startReceiver(answers: readonly Answer[] = []) {
  const received: ReceivedRequest[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ body: Buffer.concat(chunks), headers: req.headers, at: performance.now() });
      const answer = answers[received.length - 1] ?? 204;
      if (answer !== 'hang') res.writeHead(answer).end();
      for (const waiter of waiters.filter((w) => received.length >= w.count)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    /** Resolves once `count` requests have arrived. */
    requests(count: number): Promise<void> {
      if (received.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    close(): Promise<void> {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
