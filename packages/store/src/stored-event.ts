import { type EventKind, type IronflowEvent, runIdOf, userIdOf } from '@ironflow/engine';
import type { StoredEvent } from './event-log.js';

/**
 * One stored event. A class, not a literal with a getter: reads make thousands of these at once
 * (a resume storm), and a literal with a getter costs a closure and a slow property definition
 * each. The parsed event is either given, or parsed from `json` when first asked for and then
 * kept (`keepsEvent`) or not (the memory log's retained events: keeping it would bring back the
 * heap the log saves by holding the JSON only). Private fields are not affected by freezing.
 */
class JsonBackedEvent implements StoredEvent {
  #event: IronflowEvent | undefined;
  readonly #keepsEvent: boolean;

  constructor(
    readonly seq: number,
    readonly cursor: string,
    readonly kind: EventKind,
    readonly runId: string | null,
    readonly userId: string | null,
    readonly json: string,
    readonly appendedAtMs: number,
    event: IronflowEvent | undefined,
    keepsEvent: boolean,
  ) {
    this.#event = event;
    this.#keepsEvent = keepsEvent;
  }

  get event(): IronflowEvent {
    const held = this.#event;
    if (held !== undefined) return held;
    const parsed = Object.freeze(JSON.parse(this.json) as IronflowEvent);
    if (this.#keepsEvent) this.#event = parsed;
    return parsed;
  }
}

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
  const frozen = Object.freeze(event);
  return Object.freeze(
    new JsonBackedEvent(
      seq,
      cursor,
      event.type,
      runIdOf(event),
      userIdOf(event),
      json,
      appendedAtMs,
      frozen,
      true,
    ),
  );
}

/** A stored event read back from its fields (a row): its event is parsed on first use, then kept. */
export function storedEventFromFields(
  seq: number,
  cursor: string,
  kind: EventKind,
  runId: string | null,
  userId: string | null,
  json: string,
  appendedAtMs: number,
): StoredEvent {
  return Object.freeze(
    new JsonBackedEvent(seq, cursor, kind, runId, userId, json, appendedAtMs, undefined, true),
  );
}

/**
 * What the memory log retains of `stored`: the same fields, without the parsed event, which is
 * parsed again each time a reader asks for it.
 */
export function withoutParsedEvent(stored: StoredEvent): StoredEvent {
  const { seq, cursor, kind, runId, userId, json, appendedAtMs } = stored;
  return Object.freeze(
    new JsonBackedEvent(seq, cursor, kind, runId, userId, json, appendedAtMs ?? 0, undefined, false),
  );
}
