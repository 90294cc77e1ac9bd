// A typed consumer, checked by every supported TypeScript version with the packages as installed.
import { createIngestClient, type IngestAnswer, IngestError, subscribe } from '@ironflow/client';
import { type IronflowEvent, type RunFailed, validateEvent } from '@ironflow/engine';

declare const EventSourceImpl: import('@ironflow/client').EventSourceConstructor;

export function follow(url: string, onFailure: (event: RunFailed) => void): () => void {
  const subscription = subscribe(
    { url, types: ['run_failed'], credential: () => 'token', EventSource: EventSourceImpl },
    {
      // `types` narrows the handler: `error` exists on run_failed only.
      onEvent: (event) => {
        const error: string | null = event.error;
        if (error !== null) onFailure(event);
      },
    },
  );
  return () => subscription.close();
}

export async function publish(url: string, key: string): Promise<IngestAnswer> {
  const ingest = createIngestClient({ url, credential: key });
  try {
    return await ingest.publish({ type: 'run_created', run_id: crypto.randomUUID(), workflow_name: 'w' });
  } catch (error) {
    if (error instanceof IngestError) throw new Error(`${error.status} ${error.code}: ${error.message}`);
    throw error;
  } finally {
    await ingest.close();
  }
}

export function describeEvent(event: IronflowEvent): string {
  switch (event.type) {
    case 'run_status_changed':
      return `${event.from} -> ${event.to}`;
    case 'log_line':
      return event.line;
    default:
      return event.type;
  }
}

export const checked: boolean = validateEvent({}).ok;
