import type * as z from 'zod';
import { EVENT_KINDS } from './event-kinds.js';
import { eventFieldTable } from './event-schemas.js';
import type { EventKind } from './event-types.js';
import { fieldDocOf } from './field-doc.js';
import { approvalRequirementSchema, providerAccountWindowSchema } from './nested-schemas.js';

/** One field of an event kind, as documented. */
export interface EventFieldInfo {
  readonly name: string;
  /** The type in words, e.g. `UUID`, `string or null`, `RunStatus`. */
  readonly type: string;
  /** The value taken when the field is absent on input, in words; `null` when the field is required. */
  readonly default: string | null;
}

/** One event kind, as documented: its fields in output order (`type` not included). */
export interface EventKindInfo {
  readonly kind: EventKind;
  readonly fields: readonly EventFieldInfo[];
}

/** One nested object shape (ApprovalRequirement, ProviderAccountWindow), as documented. */
export interface EventShapeInfo {
  readonly name: string;
  readonly fields: readonly EventFieldInfo[];
}

function fieldsOf(owner: string, shape: Record<string, z.ZodType>): readonly EventFieldInfo[] {
  return Object.freeze(
    Object.entries(shape).map(([name, schema]) => {
      const doc = fieldDocOf(schema);
      // Every field schema of the table is made with `documented`; a new one without words fails here.
      if (doc === undefined) throw new Error(`${owner}: field ${name} has no documentation`);
      return Object.freeze({ name, type: doc.type, default: doc.default ?? null });
    }),
  );
}

/**
 * Every event kind with its fields, types and defaults in words, in upstream's order, read from the
 * schema table: what the generated `docs/EVENTS.md` and the README's kinds section print, and what a
 * tool may show a producer. Frozen.
 *
 * @example
 * eventCatalog.find((info) => info.kind === 'log_line')?.fields[0]; // { name: 'id', type: 'UUID', default: 'a new UUID v7' }
 */
export const eventCatalog: readonly EventKindInfo[] = Object.freeze(
  EVENT_KINDS.map((kind) =>
    Object.freeze({
      kind,
      fields: fieldsOf(`event ${kind}`, eventFieldTable[kind] as Record<string, z.ZodType>),
    }),
  ),
);

/** The nested object shapes of the events, with their fields in output order. Frozen. */
export const eventShapeCatalog: readonly EventShapeInfo[] = Object.freeze(
  [
    ['ApprovalRequirement', approvalRequirementSchema.shape],
    ['ProviderAccountWindow', providerAccountWindowSchema.shape],
  ].map(([name, shape]) =>
    Object.freeze({
      name: name as string,
      fields: fieldsOf(name as string, shape as Record<string, z.ZodType>),
    }),
  ),
);
