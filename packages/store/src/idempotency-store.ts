/** The answer an idempotent request got, kept so that a retry with the same key gets it again. */
export interface IdempotentAnswer {
  /** The HTTP status. */
  readonly status: number;
  /** The response body exactly as sent (JSON text), so a replay is byte for byte the same. */
  readonly body: string;
}

/** What a request with an `Idempotency-Key` asks to claim. */
export interface IdempotencyRequest {
  /**
   * The credential that sent it, as a stable identity string (e.g. `worker`, or
   * `api_key:<id>`): the same key under two credentials is two different keys.
   */
  readonly scope: string;
  /** The `Idempotency-Key` header, already checked (1 to 255 visible ASCII characters). */
  readonly key: string;
  /** A digest of what was asked (route and decoded body): the same key with another is refused. */
  readonly fingerprint: string;
}

/** A claim on one key, held by the one request that will run. Complete it or release it. */
export interface IdempotencyLease {
  readonly scope: string;
  readonly key: string;
  /**
   * Records the answer, remembered from now on. Resolves `false` when the claim was lost (it
   * expired and another request took the key over), in which case nothing is recorded.
   * An append records its answer itself, in the same commit: pass the lease to `EventLog.append`.
   */
  complete(answer: IdempotentAnswer): Promise<boolean>;
  /** Gives the key up without an answer (the request failed): a retry will run again. */
  release(): Promise<void>;
}

/** The outcome of {@link IdempotencyStore.claim}. */
export type IdempotencyClaim =
  /** The key is this request's: run it, then complete or release the lease. */
  | { readonly outcome: 'claimed'; readonly lease: IdempotencyLease }
  /** The key has an answer for this same request: send it again, run nothing. */
  | { readonly outcome: 'replay'; readonly answer: IdempotentAnswer }
  /** Another request with this key is running (or its instance died less than a lease ago). */
  | { readonly outcome: 'in-flight' }
  /** The key was used for a different request. */
  | { readonly outcome: 'mismatch' };

/**
 * Remembers idempotency keys and their answers (docs/PROTOCOL.md section 4, "Exactly once"). Every backend
 * passes the shared contract suite `describeIdempotencyStore`.
 */
export interface IdempotencyStore {
  /** Claims `request.key` for `request.scope`, or says why it cannot. */
  claim(request: IdempotencyRequest): Promise<IdempotencyClaim>;
  /** Forgets keys older than the remembered period; resolves with how many were removed. */
  prune(): Promise<number>;
  /** Stops the store's timers and releases its resources. */
  close(): Promise<void>;
}
