import { EVENT_KINDS } from '@ironflow/engine';
import type { TailStatus } from '@ironflow/store';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { HubMetrics } from '../sse/hub-metrics.js';

/** The app's Prometheus metrics (docs/PROTOCOL.md §5), in a registry of its own per app. */
export interface PrometheusMetrics {
  readonly registry: Registry;
  readonly hub: HubMetrics;
  /** Counts events this instance appended, by kind. */
  appended(kinds: readonly string[]): void;
  /** Counts an ingest request refused, by error code. */
  ingestRejected(code: string): void;
  /** Counts an ingest answered again for a repeated `Idempotency-Key` (nothing appended). */
  ingestReplayed(): void;
  /** Makes the connection gauge read the hub's live count at scrape time. */
  watchConnections(count: () => number): void;
  /** Makes the tail gauges read the log's `tailStatus()` at scrape time. */
  watchTail(status: () => TailStatus): void;
}

/**
 * Creates the metrics. A registry per app (not prom-client's global one) keeps several apps in
 * one process — tests, embedding — from colliding.
 */
export function createPrometheusMetrics(): PrometheusMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  let connectionCount = () => 0;
  new Gauge({
    name: 'ironflow_sse_connections',
    help: 'Open SSE streams.',
    registers,
    collect() {
      this.set(connectionCount());
    },
  });
  let tailStatus = (): TailStatus => ({ following: true, sinceMs: Date.now(), reason: null });
  new Gauge({
    name: 'ironflow_log_tail_following',
    help: "1 while the log's tail follows the log (every committed event reaches the streams), else 0.",
    registers,
    collect() {
      this.set(tailStatus().following ? 1 : 0);
    },
  });
  new Gauge({
    name: 'ironflow_log_tail_state_seconds',
    help: 'Seconds since the tail last started or stopped following the log.',
    registers,
    collect() {
      this.set(Math.max(0, (Date.now() - tailStatus().sinceMs) / 1000));
    },
  });
  const opened = new Counter({
    name: 'ironflow_sse_streams_opened_total',
    help: 'SSE streams opened.',
    registers,
  });
  const closed = new Counter({
    name: 'ironflow_sse_streams_closed_total',
    help: 'SSE streams closed, by reason (client, slow, expired, shutdown, error, pipelined, unavailable, revoked).',
    labelNames: ['reason'],
    registers,
  });
  const appended = new Counter({
    name: 'ironflow_events_appended_total',
    help: 'Events appended to the log by this instance, by kind.',
    labelNames: ['kind'],
    registers,
  });
  // One series per kind from the start, so a dashboard sees every kind (at 0) before its first event.
  for (const kind of EVENT_KINDS) appended.inc({ kind }, 0);
  const delivered = new Counter({
    name: 'ironflow_events_delivered_total',
    help: 'Event messages written to SSE streams (live and replayed).',
    registers,
  });
  const replayed = new Counter({
    name: 'ironflow_events_replayed_total',
    help: 'Event messages sent by replays after a cursor.',
    registers,
  });
  const replaySizes = new Histogram({
    name: 'ironflow_replay_events',
    help: 'Events sent by one stream replay.',
    buckets: [0, 1, 10, 100, 1_000, 10_000, 100_000],
    registers,
  });
  const gaps = new Counter({ name: 'ironflow_sse_gaps_total', help: 'gap messages sent.', registers });
  const latency = new Histogram({
    name: 'ironflow_publish_to_send_seconds',
    help: "Time from an append's commit to the hub writing its first event to streams.",
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers,
  });
  const rejected = new Counter({
    name: 'ironflow_ingest_rejections_total',
    help: 'Ingest requests refused, by error code.',
    labelNames: ['code'],
    registers,
  });
  const ingestReplays = new Counter({
    name: 'ironflow_ingest_idempotent_replays_total',
    help: 'Ingest requests answered with the stored answer of their Idempotency-Key (nothing appended).',
    registers,
  });

  return {
    registry,
    hub: {
      streamOpened: () => opened.inc(),
      streamClosed: (reason) => closed.inc({ reason }),
      delivered: (count) => delivered.inc(count),
      replayFinished(events) {
        replayed.inc(events);
        replaySizes.observe(events);
      },
      gapSent: () => gaps.inc(),
      publishToSend: (seconds) => latency.observe(seconds),
    },
    appended(kinds) {
      // One increment per kind in the batch, not per event: a labelled inc hashes its labels.
      const counts = new Map<string, number>();
      for (const kind of kinds) counts.set(kind, (counts.get(kind) ?? 0) + 1);
      for (const [kind, count] of counts) appended.inc({ kind }, count);
    },
    ingestRejected: (code) => rejected.inc({ code }),
    ingestReplayed: () => ingestReplays.inc(),
    watchConnections(count) {
      connectionCount = count;
    },
    watchTail(status) {
      tailStatus = status;
    },
  };
}
