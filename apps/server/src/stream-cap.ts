import { readFileSync } from 'node:fs';

/** How many of the process's file descriptors are kept for everything that is not a stream. */
function headroom(fdLimit: number): number {
  // Node itself, the listening socket, the PostgreSQL pool, log output, and the requests being
  // answered at the same time (ingests, sign-ins, and the 503s refusing streams past the cap).
  return Math.max(64, Math.ceil(fdLimit * 0.1));
}

/** What {@link capStreams} decided. */
export interface StreamCap {
  /** The global stream limit to use. */
  readonly maxStreams: number;
  /** The soft `RLIMIT_NOFILE` read at start, or `null` where it cannot be read. */
  readonly fdLimit: number | null;
  /** True when the configured limit was above what the fd limit can hold. */
  readonly capped: boolean;
}

/**
 * Caps `SSE_MAX_STREAMS` by the process's file-descriptor limit (docs/PROTOCOL.md §3): every HTTP/1.1 stream
 * holds a socket, and a process out of descriptors cannot accept a connection to answer it, so
 * past the limit clients would see resets instead of `503`. A headroom of descriptors (10%, at
 * least 64) stays free for the rest of the process and for answering the refusals. The limit
 * is read once at start from `/proc/self/limits` (`ulimit -n`); where there is no such file the
 * configured value is kept.
 */
export function capStreams(configured: number, limits = readLimitsFile()): StreamCap {
  const fdLimit = limits === null ? null : parseOpenFilesLimit(limits);
  if (fdLimit === null) return { maxStreams: configured, fdLimit, capped: false };
  const room = Math.max(1, fdLimit - headroom(fdLimit));
  return configured > room
    ? { maxStreams: room, fdLimit, capped: true }
    : { maxStreams: configured, fdLimit, capped: false };
}

/** The soft limit of `Max open files` in the text of `/proc/<pid>/limits`; `null` if unlimited or absent. */
export function parseOpenFilesLimit(limits: string): number | null {
  const match = /^Max open files\s+(\S+)/m.exec(limits);
  if (match === null || match[1] === 'unlimited') return null;
  const value = Number(match[1]);
  return Number.isSafeInteger(value) && value > 0 ? value : null;
}

function readLimitsFile(): string | null {
  try {
    return readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return null;
  }
}
