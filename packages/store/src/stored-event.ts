import { type IronflowEvent, runIdOf, userIdOf } from '@ironflow/engine';
import type { StoredEvent } from './event-log.js';

/**
 * A stored event with its routing fields taken from `event`, frozen (with its event) because
 * every reader and listener shares it. `json` is `serializeEvent(event)`, or the stored text.
 */
export function storedEvent(
  seq: number,
  cursor: string,
  event: IronflowEvent,
  json: string,
  appendedAtMs: number,
): StoredEvent {
  return Object.freeze({
    seq,
    cursor,
    kind: event.type,
    runId: runIdOf(event),
    userId: userIdOf(event),
    event: Object.freeze(event),
    json,
    appendedAtMs,
  });
}
