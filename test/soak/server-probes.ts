// How the soak talks to the server under test and reads its state: ingest, metrics, /proc.
import { readFileSync } from 'node:fs';
import { WORKER_TOKEN } from '../reliability/support/harness.js';

export async function ingest(
  url: string,
  events: readonly Record<string, unknown>[],
): Promise<{ first: string; last: string }> {
  const response = await fetch(`${url}/api/v1/internal/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${WORKER_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(events),
  });
  if (response.status !== 202)
    throw new Error(`ingest answered ${response.status}: ${await response.text()}`);
  const { data } = (await response.json()) as { data: { first_id: string; last_id: string } };
  return { first: data.first_id, last: data.last_id };
}

export async function metric(url: string, pattern: RegExp): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(pattern.exec(text)?.[1] ?? 0);
}

/**
 * The most bytes a paused reader's loopback connection can hold before the server's writes queue
 * (the receive and send buffers' autotuning maxima, Linux), 64 MiB where /proc does not say.
 */
export function socketBufferBound(): number {
  try {
    const max = (name: string) =>
      Number(readFileSync(`/proc/sys/net/ipv4/${name}`, 'utf8').trim().split(/\s+/)[2]);
    const bound = max('tcp_rmem') + max('tcp_wmem');
    return Number.isFinite(bound) && bound > 0 ? bound : 64 * 2 ** 20;
  } catch {
    return 64 * 2 ** 20;
  }
}

/** The child's resident set from /proc (Linux), 0 where that is not available. */
export function rssOf(pid: number | undefined): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}
