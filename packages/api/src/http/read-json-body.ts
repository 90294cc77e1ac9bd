import type { Context } from 'koa';
import { badRequest, unsupportedMediaType } from '../errors.js';
import { discardRest, readBodyBytes } from './read-body-bytes.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Checks that the request says it carries JSON in UTF-8: `400` when it carries no body, `415`
 * for another type or charset (the body is then drained, so the answer is read).
 */
export function checkJsonType(ctx: Context): void {
  const type = ctx.is('application/json', '+json');
  if (type === null) throw badRequest('request body is empty');
  const charset = ctx.request.charset.toLowerCase();
  if (type === false || (charset !== '' && charset !== 'utf-8' && charset !== 'utf8')) {
    discardRest(ctx.req);
    throw unsupportedMediaType();
  }
}

/** Parses a decoded body as UTF-8 JSON: `400` for invalid UTF-8, an empty body or bad JSON. */
export function parseJsonBytes(bytes: Buffer): unknown {
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
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

/**
 * Reads a JSON request body up to `limitBytes` after decoding, with a clear client error for
 * every way it can be wrong: missing, not JSON in UTF-8 by type (`415`), an unknown encoding
 * (`415`), too large (`413`), not decodable, not UTF-8, not parseable (`400`).
 */
export async function readJsonBody(ctx: Context, limitBytes: number): Promise<unknown> {
  checkJsonType(ctx);
  return parseJsonBytes(await readBodyBytes(ctx, limitBytes));
}
