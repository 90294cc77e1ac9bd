import type { EventInputOf, EventKind, LogStream } from '@ironflow/engine';

/** A request to the ingest routes that did not answer `202`, or could not be sent at all. */
export class DemoIngestError extends Error {
  override readonly name = 'DemoIngestError';
}

/** The two ingest routes (docs/PROTOCOL.md §4), as a worker holding `WORKER_TOKEN` calls them. */
export interface DemoIngestClient {
  postEvents(events: readonly EventInputOf<EventKind>[]): Promise<void>;
  postLogs(
    runId: string,
    batch: { step_id: string; step_name: string; stream: LogStream; lines: readonly string[] },
  ): Promise<void>;
}

export function createDemoIngestClient(baseUrl: string, workerToken: string): DemoIngestClient {
  const headers = { authorization: `Bearer ${workerToken}`, 'content-type': 'application/json' };

  async function post(path: string, body: unknown): Promise<void> {
    const url = new URL(path, baseUrl);
    let response: Response;
    try {
      response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new DemoIngestError(
        `cannot reach ${url.origin} (${cause?.code ?? cause?.message ?? (error as Error).message}); is the server running?`,
      );
    }
    if (response.status === 202) {
      await response.body?.cancel();
      return;
    }
    const text = await response.text();
    let detail = text.slice(0, 500);
    try {
      const { error } = JSON.parse(text) as { error: { code: string; message: string } };
      detail = `${error.code} ${error.message}`;
    } catch {
      // Not the JSON envelope (a proxy or another server): show the start of the body.
    }
    throw new DemoIngestError(`POST ${url.pathname} answered ${response.status}: ${detail}`);
  }

  return {
    postEvents: (events) => post('/api/v1/internal/events', events),
    postLogs: (runId, batch) => post(`/api/v1/internal/runs/${runId}/logs`, batch),
  };
}
