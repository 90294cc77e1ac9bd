import {
  EVENT_KINDS,
  type EventKind,
  eventJsonSchemas,
  exampleEvents,
  type JsonSchema,
} from '@ironflow/engine';

/** An AsyncAPI 3 Message Object, as far as this document uses it. */
export interface AsyncApiMessage {
  readonly name: string;
  readonly title: string;
  readonly summary: string;
  readonly contentType: 'application/json';
  readonly headers: JsonSchema;
  readonly payload: JsonSchema;
  readonly examples: readonly { readonly name: string; readonly headers: object; readonly payload: object }[];
}

const EXAMPLE_CURSOR = '01jdx4k5m2-0000000000000042';

/** The SSE fields around the `data:` line, described as the message's headers. */
function sseFields(event: string): JsonSchema {
  return {
    type: 'object',
    properties: {
      id: { type: 'string', description: 'The SSE `id:` field: the cursor to resume after this message.' },
      event: { type: 'string', const: event, description: 'The SSE `event:` field.' },
    },
    required: ['event'],
  };
}

function eventMessage(kind: EventKind): AsyncApiMessage {
  return {
    name: kind,
    title: kind,
    summary: `One \`${kind}\` event: an SSE message with \`event: ${kind}\`, its cursor as \`id:\` and the event JSON on the \`data:\` line.`,
    contentType: 'application/json',
    headers: sseFields(kind),
    payload: eventJsonSchemas[kind],
    examples: [{ name: kind, headers: { id: EXAMPLE_CURSOR, event: kind }, payload: exampleEvents[kind] }],
  };
}

const gapMessage: AsyncApiMessage = {
  name: 'gap',
  title: 'gap',
  summary:
    'Sent first, without an `id:`, when a resume cannot be exact (the cursor is older than the retained history or from an earlier epoch of the log); everything retained follows.',
  contentType: 'application/json',
  headers: {
    type: 'object',
    properties: { event: { type: 'string', const: 'gap', description: 'The SSE `event:` field.' } },
    required: ['event'],
  },
  payload: {
    type: 'object',
    properties: {
      type: { type: 'string', const: 'gap' },
      requested: { type: 'string', description: 'The cursor the client asked to resume after.' },
      resumed_after: {
        type: ['string', 'null'],
        description:
          'The cursor just before the oldest retained event, or null when the replay starts at the beginning of the current epoch.',
      },
    },
    required: ['type', 'requested', 'resumed_after'],
    additionalProperties: false,
  },
  examples: [
    {
      name: 'gap',
      headers: { event: 'gap' },
      payload: { type: 'gap', requested: '01jdx3zz9q-0000000000000007', resumed_after: null },
    },
  ],
};

/**
 * The messages of the event stream keyed by name: one per event kind (payload `eventJsonSchemas[kind]`,
 * example `exampleEvents[kind]`), then `gap`.
 */
export function streamMessages(): Record<string, AsyncApiMessage> {
  const messages: Record<string, AsyncApiMessage> = {};
  for (const kind of EVENT_KINDS) messages[kind] = eventMessage(kind);
  messages.gap = gapMessage;
  return messages;
}
