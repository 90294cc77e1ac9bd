import { createHash } from 'node:crypto';
import { type Credential, WORKER_CREDENTIAL } from '@ironflow/auth';
import {
  type AppendOptions,
  type IdempotencyStore,
  type IdempotentAnswer,
  type StoredEvent,
  StoreUnavailableError,
} from '@ironflow/store';
import type { Context } from 'koa';
import { idempotencyKeyInUse, idempotencyKeyReused } from '../errors.js';

/** What {@link ingestOnce} needs from the app. */
export interface IngestOnceDeps {
  readonly keys: IdempotencyStore;
  /** Told of each answer sent again for a repeated key. */
  readonly onReplay: () => void;
}

/** What one ingest request asks for. */
export interface IngestRequest {
  /** The `Idempotency-Key`, if the request carried one. */
  readonly key: string | undefined;
  /** What the request targets (route and run), part of what a key is compared on. */
  readonly target: string;
  /** The decoded body, compared by its hash. */
  readonly body: Buffer;
}

/** The `202` answer of an ingest, as docs/PROTOCOL.md writes it; kept as text so a replay is identical. */
export function acceptedAnswer(stored: readonly StoredEvent[]): IdempotentAnswer {
  return {
    status: 202,
    body: JSON.stringify({
      data: {
        accepted: stored.length,
        first_id: stored[0]?.cursor ?? null,
        last_id: stored[stored.length - 1]?.cursor ?? null,
      },
      meta: null,
    }),
  };
}

function send(ctx: Context, answer: IdempotentAnswer): void {
  ctx.status = answer.status;
  ctx.type = 'application/json';
  ctx.body = answer.body;
}

/**
 * Runs `append` and answers `202`, once per `Idempotency-Key` of the sending credential (docs/PROTOCOL.md
 * section 4, "Exactly once"): a repeat with the same target and body gets the first answer again
 * with `Idempotent-Replayed: true`; another body `422`; a repeat while the first runs `409`.
 * Only a `202` is remembered: a request that fails frees its key, so a fixed retry can run.
 */
export async function ingestOnce(
  ctx: Context,
  deps: IngestOnceDeps,
  request: IngestRequest,
  append: (options: AppendOptions | undefined) => Promise<readonly StoredEvent[]>,
): Promise<void> {
  if (request.key === undefined) {
    send(ctx, acceptedAnswer(await append(undefined)));
    return;
  }
  // The ingest guard names the credential (`worker`, or `api_key:<id>` for an events:write key).
  const credential = (ctx.state.credential as Credential | undefined) ?? WORKER_CREDENTIAL;
  const fingerprint = createHash('sha256')
    .update(`${request.target}\n`)
    .update(request.body)
    .digest('base64url');
  const claim = await deps.keys.claim({
    scope: credential.id,
    key: request.key,
    fingerprint,
  });
  if (claim.outcome === 'in-flight') throw idempotencyKeyInUse();
  if (claim.outcome === 'mismatch') throw idempotencyKeyReused();
  if (claim.outcome === 'replay') {
    deps.onReplay();
    ctx.set('Idempotent-Replayed', 'true');
    send(ctx, claim.answer);
    return;
  }
  const { lease } = claim;
  let answer: IdempotentAnswer | undefined;
  try {
    const stored = await append({
      idempotency: { lease, answer: (batch) => (answer = acceptedAnswer(batch)) },
    });
    // An empty batch appends nothing, so nothing recorded its answer: record it here.
    if (answer === undefined) {
      answer = acceptedAnswer(stored);
      await lease.complete(answer);
    }
  } catch (error) {
    // With the database gone a release would only add another timeout to this answer: it is
    // left to run, and if it fails the lease expires on its own.
    const released = lease.release().catch(() => {});
    if (!(error instanceof StoreUnavailableError)) await released;
    throw error;
  }
  send(ctx, answer);
}
