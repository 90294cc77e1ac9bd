import { SseClients } from './sse-clients.js';

/**
 * Opens `count` SSE clients on `server`, `filterOf(i)` giving client i's filter ({} or
 * `{ runId }`), spread over `workers` processes. Throws if any fails to open.
 */
export async function openClients(server, { count, workers, filterOf = () => ({}), trackIds = false }) {
  const clients = new SseClients(Math.min(workers, count));
  const specs = [];
  for (let i = 0; i < count; i++) {
    specs.push({
      path: server.path(filterOf(i)),
      headers: server.headers(i),
      expect: { first: 1, stride: 1, count: 0 },
    });
  }
  const failed = await clients.open(server.port, specs, { trackIds });
  if (failed > 0) {
    const report = await clients.report();
    await clients.close();
    throw new Error(`${failed} of ${count} clients failed to open (first: ${report.firstFailure})`);
  }
  return clients;
}
