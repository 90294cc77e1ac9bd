import * as z from 'zod';
import { EVENT_KINDS } from './event-kinds.js';
import { eventSchemas } from './event-schemas.js';
import type { EventKind } from './event-types.js';
import { timeField } from './field-schemas.js';

/** A JSON Schema object (draft 2020-12), as produced by zod's `z.toJSONSchema`. */
export type JsonSchema = z.core.JSONSchema.JSONSchema;

const DRAFT_2020_12 = 'https://json-schema.org/draft/2020-12/schema';

// What `timeField` always outputs: RFC 3339 in UTC, upper-case `T` and `Z`, any fraction digits.
const UTC_TIME_PATTERN = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$';

// The one transform in the event schemas; its output is a string JSON Schema can describe.
const timeTransform = (timeField as unknown as { _zod: { def: { out: unknown } } })._zod.def.out;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

function toJsonSchema(kind: EventKind): JsonSchema {
  const schema = z.toJSONSchema(eventSchemas[kind], {
    target: 'draft-2020-12',
    // The wire form: after parsing every field is present, so every field is required.
    io: 'output',
    // Unrepresentable parts reach `override`, which describes the known one and refuses the rest.
    unrepresentable: 'any',
    override({ zodSchema, jsonSchema }) {
      // A default only matters on input; on the wire the field is always present.
      delete jsonSchema.default;
      const { type } = zodSchema._zod.def;
      if (type === 'transform') {
        if (zodSchema !== timeTransform) {
          throw new Error(
            `event ${kind}: a transform other than the time field has no JSON Schema; add it here`,
          );
        }
        Object.assign(jsonSchema, { type: 'string', format: 'date-time', pattern: UTC_TIME_PATTERN });
      } else if (type === 'custom') {
        throw new Error(`event ${kind}: a custom zod type has no JSON Schema; describe it here`);
      }
    },
  });
  return { $schema: DRAFT_2020_12, title: kind, ...schema };
}

/**
 * The JSON Schema (draft 2020-12) of each event kind as it appears on the wire — the SSE `data:` and
 * the webhook body — generated from {@link eventSchemas} with zod's `z.toJSONSchema` in output mode:
 * every field is required (optional fields are present as `null`, `labels` as `{}`), no other key is
 * allowed, UUIDs are lowercase and `at` is UTC ending in `Z`. What a producer may send (with fields
 * omitted, mixed-case UUIDs, any offset) is wider: validate input with `validateEvent`. The rule on
 * allowed status changes is not expressible and is left out. Frozen.
 *
 * @example
 * // with Ajv's draft 2020-12 class (`ajv/dist/2020`):
 * const validate = new Ajv2020().compile(eventJsonSchemas.run_created);
 * validate(JSON.parse(sseData)); // true
 */
export const eventJsonSchemas: { readonly [K in EventKind]: JsonSchema } = /* @__PURE__ */ deepFreeze(
  Object.fromEntries(EVENT_KINDS.map((kind) => [kind, toJsonSchema(kind)])) as Record<EventKind, JsonSchema>,
);

/**
 * Any event: `oneOf` the kinds' schemas (under `$defs`, keyed by kind) with an OpenAPI-style
 * `discriminator` on `type`, which validators such as Ajv (`discriminator: true`) use to report the
 * issues of the matching kind only. Frozen.
 *
 * @example
 * const validate = new Ajv({ discriminator: true }).compile(ironflowEventJsonSchema);
 */
export const ironflowEventJsonSchema: JsonSchema = /* @__PURE__ */ deepFreeze({
  $schema: DRAFT_2020_12,
  title: 'IronflowEvent',
  type: 'object',
  properties: { type: { type: 'string', enum: [...EVENT_KINDS] } },
  required: ['type'],
  discriminator: { propertyName: 'type' },
  oneOf: EVENT_KINDS.map((kind) => ({ $ref: `#/$defs/${kind}` })),
  $defs: Object.fromEntries(
    EVENT_KINDS.map((kind) => {
      const { $schema: _, ...schema } = eventJsonSchemas[kind];
      return [kind, schema];
    }),
  ),
});
