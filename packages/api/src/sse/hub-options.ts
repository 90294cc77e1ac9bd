import type { EventLog } from '@ironflow/store';
import type { AppLogger } from '../logger.js';
import type { HubMetrics } from './hub-metrics.js';

export interface HubOptions {
  /** The log whose ordered tail feeds the hub and from which streams replay. */
  readonly log: EventLog;
  /** Silence after which a `: keep-alive` comment is sent. @default 30000 */
  readonly keepAliveMs?: number;
  /** Unsent bytes past which a stream is closed as too slow. @default 1048576 */
  readonly maxBufferedBytes?: number;
  /** Concurrent streams per user before `429`. @default 32 */
  readonly maxStreamsPerUser?: number;
  /** Concurrent streams in all before `503`. @default 50000 */
  readonly maxStreams?: number;
  /** Events read from the log per replay page. @default 500 */
  readonly replayPageSize?: number;
  /** The `retry:` hint sent on open, in milliseconds. @default 3000 */
  readonly retryMs?: number;
  /**
   * Period of the one shared timer that drives keep-alives, credential expiry and the release of
   * ended streams; at most 2000, so that an expired stream ends within 2 seconds. @default 1000
   */
  readonly tickMs?: number;
  /**
   * Least time between two writes to the streams while events keep coming: what is appended
   * meanwhile goes out together, one write per stream. After a quiet spell an event is written
   * at once, so this adds latency only under load, where it saves a write per stream per event.
   * `0` writes every appended batch by itself. @default 5
   */
  readonly flushIntervalMs?: number;
  /**
   * How long the log's tail may fail to follow (`EventLog.tailStatus()`) before the hub ends
   * every stream (clients resume on another instance with their cursor) and refuses new ones
   * with `503` until it follows again: a stream is never left open receiving nothing.
   * @default 5000
   */
  readonly followGraceMs?: number;
  readonly logger?: AppLogger;
  /** Where the hub reports streams, deliveries, replays and latency. */
  readonly metrics?: HubMetrics;
}

/** The hub's settings with defaults applied and checked. */
export interface HubSettings {
  readonly keepAliveMs: number;
  readonly maxBufferedBytes: number;
  readonly maxStreamsPerUser: number;
  readonly maxStreams: number;
  readonly replayPageSize: number;
  readonly retryMs: number;
  readonly tickMs: number;
  readonly flushIntervalMs: number;
  readonly followGraceMs: number;
  /** Replay stops writing at this many unsent bytes and waits for the client to read. */
  readonly replayPauseBytes: number;
}

/** Applies the defaults and refuses a setting that is not a positive integer, naming it. */
export function resolveHubSettings(options: HubOptions): HubSettings {
  const maxBufferedBytes = positiveInteger('maxBufferedBytes', options.maxBufferedBytes ?? 1_048_576);
  return {
    keepAliveMs: positiveInteger('keepAliveMs', options.keepAliveMs ?? 30_000),
    maxBufferedBytes,
    maxStreamsPerUser: positiveInteger('maxStreamsPerUser', options.maxStreamsPerUser ?? 32),
    maxStreams: positiveInteger('maxStreams', options.maxStreams ?? 50_000),
    replayPageSize: positiveInteger('replayPageSize', options.replayPageSize ?? 500),
    retryMs: positiveInteger('retryMs', options.retryMs ?? 3_000),
    tickMs: atMost(2_000, 'tickMs', positiveInteger('tickMs', options.tickMs ?? 1_000)),
    flushIntervalMs: nonNegativeInteger('flushIntervalMs', options.flushIntervalMs ?? 5),
    followGraceMs: nonNegativeInteger('followGraceMs', options.followGraceMs ?? 5_000),
    replayPauseBytes: Math.min(64 * 1024, Math.floor(maxBufferedBytes / 2)),
  };
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new RangeError(`hub option ${name} must be a positive integer, got ${value}`);
  }
  return value;
}

function atMost(max: number, name: string, value: number): number {
  if (value > max) {
    throw new RangeError(
      `hub option ${name} must be at most ${max} (expired credentials end their streams within 2 s), got ${value}`,
    );
  }
  return value;
}

function nonNegativeInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`hub option ${name} must be an integer of 0 or more, got ${value}`);
  }
  return value;
}
