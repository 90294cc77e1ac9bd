import type { Context } from 'koa';
import type { z } from 'zod';
import { validationFailed } from '../errors.js';
import { readJsonBody } from './read-json-body.js';

/**
 * Reads a JSON body and checks it against `schema`; any issue → `400 VALIDATION_FAILED` with
 * `details: [{ path, message }]` (path dotted, `""` for the body itself).
 */
export async function readValidBody<T extends z.ZodType>(
  ctx: Context,
  schema: T,
  limitBytes: number,
): Promise<z.infer<T>> {
  const parsed = schema.safeParse(await readJsonBody(ctx, limitBytes));
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  throw validationFailed('invalid request body', details);
}
