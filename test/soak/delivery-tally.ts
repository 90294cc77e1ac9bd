/** What the subscribers of a soak received, against what each should have, counted. */
export interface DeliveryTally {
  readonly deliveries: number;
  /** Expected seqs a subscriber never received. */
  readonly lost: number;
  /** Of `lost`, the seqs whose ingest was acknowledged (counted only when `acknowledged` is given). */
  readonly lostAcknowledged: number;
  readonly duplicated: number;
  /** Receptions whose seq is not above the one before it. */
  readonly outOfOrder: number;
  /** Subscribers whose sequence differs from the expected one in any way. */
  readonly mismatched: number;
}

/**
 * Compares each subscriber's received seqs (`received[i]`, in arrival order) with the seqs it
 * should have received (`expected[i]`, ascending).
 */
export function tallyDeliveries(
  expected: readonly (readonly number[])[],
  received: readonly (readonly number[])[],
  acknowledged?: ReadonlySet<number>,
): DeliveryTally {
  let deliveries = 0;
  let lost = 0;
  let lostAcknowledged = 0;
  let duplicated = 0;
  let outOfOrder = 0;
  let mismatched = 0;
  for (const [i, got] of received.entries()) {
    const want = expected[i] ?? [];
    deliveries += got.length;
    const held = new Set(got);
    duplicated += got.length - held.size;
    for (const seq of want) {
      if (held.has(seq)) continue;
      lost++;
      if (acknowledged?.has(seq)) lostAcknowledged++;
    }
    for (let k = 1; k < got.length; k++) if ((got[k] as number) <= (got[k - 1] as number)) outOfOrder++;
    if (got.length !== want.length || got.some((seq, k) => seq !== want[k])) mismatched++;
  }
  return { deliveries, lost, lostAcknowledged, duplicated, outOfOrder, mismatched };
}
