import type * as z from 'zod';

/** How the generated documentation describes a field: its type in words and, when it has one, its default. */
export interface FieldDoc {
  /** The type in words, e.g. `UUID`, `string or null`, `RunStatus`. */
  readonly type: string;
  /** The value taken when the field is absent on input, in words (`null`, `{}`, `now`); none when required. */
  readonly default?: string;
}

// A WeakMap rather than zod metadata: zod copies metadata into the JSON Schemas, and these words are for
// the Markdown documentation only.
const DOCS = new WeakMap<z.ZodType, FieldDoc>();

/** Attaches the documentation of a field schema and returns the schema itself. */
export function documented<S extends z.ZodType>(schema: S, doc: FieldDoc): S {
  DOCS.set(schema, Object.freeze({ ...doc }));
  return schema;
}

/** The documentation of a field schema made by {@link documented}; `undefined` for an undocumented one. */
export function fieldDocOf(schema: z.ZodType): FieldDoc | undefined {
  return DOCS.get(schema);
}
