import type { IncomingMessage } from 'node:http';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Context } from 'koa';
import { badRequest, payloadTooLarge, unsupportedMediaType } from '../errors.js';

/**
 * After a refusal, what the server still reads and discards of a body the client keeps sending,
 * so that the refusal is read rather than lost to a reset (a socket closed with unread input
 * resets). Past it the connection is cut: a client sending that much more is not worth waiting for.
 */
export const DRAIN_LIMIT_BYTES = 16 * 1024 * 1024;

type Decoding = 'gzip' | 'deflate' | 'br' | null;

function requestedDecoding(ctx: Context): Decoding {
  const header = ctx.get('Content-Encoding').trim().toLowerCase();
  if (header === '' || header === 'identity') return null;
  // x-gzip: RFC 9110 §8.4.1.3 asks recipients to read it as gzip.
  if (header === 'gzip' || header === 'x-gzip') return 'gzip';
  if (header === 'deflate' || header === 'br') return header;
  throw unsupportedMediaType(
    `unsupported Content-Encoding: ${header.slice(0, 100)} (send gzip, deflate, br or none)`,
  );
}

function createDecoder(decoding: Exclude<Decoding, null>) {
  if (decoding === 'gzip') return createGunzip();
  // HTTP's `deflate` is the zlib format (RFC 9110 §8.4.1.2).
  if (decoding === 'deflate') return createInflate();
  return createBrotliDecompress();
}

/**
 * Reads and discards what is left of `req`, up to {@link DRAIN_LIMIT_BYTES}, then cuts the
 * connection; the socket then stays usable for the next request (keep-alive) instead of being
 * closed with unread input, which would reset it and lose the answer.
 */
export function discardRest(req: IncomingMessage): void {
  if (req.complete || req.destroyed) return;
  let discarded = 0;
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > DRAIN_LIMIT_BYTES) req.socket.destroy();
  });
  req.on('error', () => {});
  req.resume();
}

/**
 * Reads the request body, decoded by its `Content-Encoding` (gzip, deflate, br), at most
 * `limitBytes` after decoding. Refuses with `413` as soon as the declared length, the bytes on
 * the wire or the decoded bytes pass the limit (inflating stops there: a bomb never expands),
 * `415` for any other encoding, `400` for a body that does not decode or is cut short.
 * A refused body is drained (see {@link discardRest}) so the client can read the answer.
 */
export function readBodyBytes(ctx: Context, limitBytes: number): Promise<Buffer> {
  const req = ctx.req;
  let decoding: Decoding;
  try {
    decoding = requestedDecoding(ctx);
  } catch (error) {
    discardRest(req);
    return Promise.reject(error);
  }
  const declared = ctx.request.length;
  if (declared !== undefined && declared > limitBytes) {
    discardRest(req);
    return Promise.reject(payloadTooLarge(limitBytes));
  }

  return new Promise<Buffer>((resolve, reject) => {
    const decoder = decoding === null ? undefined : createDecoder(decoding);
    const chunks: Buffer[] = [];
    let wireBytes = 0;
    let decodedBytes = 0;
    let settled = false;

    const cleanup = () => {
      req.off('data', onWire);
      req.off('end', onWireEnd);
      req.off('aborted', onAborted);
      req.off('error', onAborted);
      decoder?.removeAllListeners();
      decoder?.on('error', () => {});
      decoder?.destroy();
    };
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      cleanup();
      discardRest(req);
      reject(error);
    };
    const finish = () => {
      if (settled) return;
      settled = true;
      cleanup();
      resolve(Buffer.concat(chunks, decodedBytes));
    };
    const collect = (chunk: Buffer) => {
      decodedBytes += chunk.length;
      if (decodedBytes > limitBytes) fail(payloadTooLarge(limitBytes));
      else chunks.push(chunk);
    };
    function onWire(chunk: Buffer) {
      wireBytes += chunk.length;
      if (wireBytes > limitBytes) return fail(payloadTooLarge(limitBytes));
      if (decoder === undefined) return collect(chunk);
      // Inflating can outrun the wire: wait for the decoder before reading more.
      if (!decoder.write(chunk)) {
        req.pause();
        decoder.once('drain', () => {
          if (!settled) req.resume();
        });
      }
    }
    function onWireEnd() {
      if (decoder === undefined) finish();
      else decoder.end();
    }
    function onAborted() {
      fail(badRequest('could not read the request body'));
    }

    if (decoder !== undefined) {
      decoder.on('data', collect);
      decoder.on('end', finish);
      decoder.on('error', () => fail(badRequest(`request body is not valid ${decoding} data`)));
    }
    req.on('data', onWire);
    req.on('end', onWireEnd);
    req.on('aborted', onAborted);
    req.on('error', onAborted);
  });
}
