import type { CloseReason } from './connection.js';

/**
 * What the hub reports as it works; the app backs it with Prometheus metrics. Calls sit on the
 * hot path, so each is a counter bump, made once per batch or per stream, never per byte.
 */
export interface HubMetrics {
  streamOpened(): void;
  streamClosed(reason: CloseReason): void;
  /** Messages written to streams (live and replayed). */
  delivered(count: number): void;
  /** A stream's replay finished after sending this many events. */
  replayFinished(events: number): void;
  gapSent(): void;
  /** Time from an append's commit to the hub's write of its first event, in seconds. */
  publishToSend(seconds: number): void;
}

const ignore = () => {};

/** Reports nothing: the hub's default. */
export const noHubMetrics: HubMetrics = {
  streamOpened: ignore,
  streamClosed: ignore,
  delivered: ignore,
  replayFinished: ignore,
  gapSent: ignore,
  publishToSend: ignore,
};
