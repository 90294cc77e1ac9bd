import { AUDIT_ONLY_EVENT_KINDS, EVENT_KINDS, type JsonSchema } from '@ironflow/engine';

const CURSOR = 'A cursor from an earlier `id:` (opaque text), or `earliest` for all retained history.';

/** The query filters of `GET /api/v1/events` (docs/PROTOCOL.md §3), as the HTTP binding's `query` schema. */
export const streamQuerySchema: JsonSchema = {
  type: 'object',
  properties: {
    run_id: {
      type: 'string',
      format: 'uuid',
      description:
        'Only the events of this run: the run-scoped kinds (those with a `run_id` field); `user_*`, `provider_account.*`, `signal_received` and `schedule_occurrences_missed` have no run, so none of them.',
    },
    types: {
      type: 'string',
      description: `Comma-separated event kinds; items are trimmed, empty items ignored (\`types=\` means no filter). Kinds: ${EVENT_KINDS.join(', ')}; also ${AUDIT_ONLY_EVENT_KINDS.join(', ')} (audit-only, never streamed: matches nothing).`,
      examples: ['run_status_changed,step_failed'],
    },
    last_event_id: {
      type: 'string',
      description: `Where to resume on a first connection. ${CURSOR} The \`Last-Event-ID\` header wins when both are sent.`,
      examples: ['earliest'],
    },
    backlog: {
      type: 'integer',
      minimum: 0,
      maximum: 10000,
      description:
        'A first connection without a cursor starts with the newest `backlog` retained events that match the filters (and that the user may see), oldest first, then continues live with no gap and no duplicate. Ignored when a cursor is given.',
      examples: [100],
    },
  },
  additionalProperties: false,
};

/** The request headers of the stream that are not authentication. */
export const streamRequestHeadersSchema: JsonSchema = {
  type: 'object',
  properties: {
    'Last-Event-ID': {
      type: 'string',
      description: `Where to resume (EventSource sends it on reconnect). ${CURSOR}`,
    },
  },
};
