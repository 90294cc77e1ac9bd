import type { Context } from 'koa';
import getRawBody from 'raw-body';
import { badRequest, payloadTooLarge, unsupportedMediaType } from '../errors.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a JSON request body up to `limitBytes`, with a clear client error for every way it can
 * be wrong: missing, not JSON by type, too large (`413`), not UTF-8, not parseable.
 */
export async function readJsonBody(ctx: Context, limitBytes: number): Promise<unknown> {
  const type = ctx.is('application/json', '+json');
  if (type === null) throw badRequest('request body is empty');
  if (type === false) throw unsupportedMediaType();

  let raw: Buffer;
  try {
    raw = await getRawBody(ctx.req, { limit: limitBytes, length: ctx.request.length });
  } catch (error) {
    if ((error as { type?: string }).type === 'entity.too.large') throw payloadTooLarge(limitBytes);
    throw badRequest('could not read the request body');
  }
  let text: string;
  try {
    text = strictUtf8.decode(raw);
  } catch {
    throw badRequest('request body is not valid UTF-8');
  }
  if (text.trim() === '') throw badRequest('request body is empty');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest(`request body is not valid JSON: ${(error as Error).message}`);
  }
}
