import type { EventPublisher } from '@ironflow/engine';
import type { AppendOptions, EventLog, StoredEvent } from '@ironflow/store';

/** Appends to the log, then tells this instance's side-effect subscribers (webhooks) once. */
export type EventSink = (inputs: readonly unknown[], options?: AppendOptions) => Promise<StoredEvent[]>;

export function createEventSink(
  log: EventLog,
  publisher: EventPublisher | undefined,
  onAppended: (stored: readonly StoredEvent[]) => void = () => {},
): EventSink {
  return async (inputs, options) => {
    const stored = await log.append(inputs, options);
    onAppended(stored);
    if (publisher) publisher.publishAll(stored.map((entry) => entry.event));
    return stored;
  };
}
