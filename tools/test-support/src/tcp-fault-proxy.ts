import { once } from 'node:events';
import net from 'node:net';

/** What the proxy does with traffic now. */
export type ProxyMode = 'forward' | 'refuse' | 'blackhole';

/** A TCP proxy in front of a server (PostgreSQL in the fault tests) that can fail on demand. */
export interface TcpFaultProxy {
  /** The port it listens on (127.0.0.1). */
  readonly port: number;
  /** `url` with its host and port replaced by the proxy's. */
  via(url: string): string;
  /** Resets every open connection (both sides), as a restart or a network cut does. */
  dropAll(): void;
  /**
   * `forward`: pipe traffic (connections held by a black hole go on where they stopped);
   * `refuse`: reset every new connection at once; `blackhole`: accept and keep every connection,
   * old and new, but forward nothing either way, as a silent network partition does.
   */
  setMode(mode: ProxyMode): void;
  readonly mode: ProxyMode;
  /** Connections open now. */
  readonly connections: number;
  close(): Promise<void>;
}

interface Pair {
  readonly client: net.Socket;
  upstream: net.Socket | null;
  flowing: boolean;
}

/**
 * Starts a fault proxy on an ephemeral port of 127.0.0.1 that forwards to `target`.
 *
 * @example
 * const proxy = await startTcpFaultProxy({ host: '127.0.0.1', port: 5432 });
 * const url = proxy.via('postgres://postgres@127.0.0.1:5432/test');
 * proxy.setMode('blackhole'); // … later
 * proxy.setMode('forward');
 */
export async function startTcpFaultProxy(target: { host: string; port: number }): Promise<TcpFaultProxy> {
  const pairs = new Set<Pair>();
  let mode: ProxyMode = 'forward';

  const reset = (socket: net.Socket | null) => {
    if (socket !== null && !socket.destroyed) socket.resetAndDestroy();
  };
  const drop = (pair: Pair) => {
    pairs.delete(pair);
    reset(pair.client);
    reset(pair.upstream);
  };

  /** Connects a held client upstream (once) and pipes both ways. */
  function forward(pair: Pair): void {
    if (pair.flowing) return;
    pair.flowing = true;
    if (pair.upstream === null) {
      const upstream = net.connect(target.port, target.host);
      pair.upstream = upstream;
      upstream.setNoDelay(true);
      upstream.on('error', () => drop(pair));
      upstream.on('close', () => drop(pair));
    }
    // pipe() resumes a paused source.
    pair.upstream.pipe(pair.client);
    pair.client.pipe(pair.upstream);
  }

  /** Stops moving bytes: what is sent meanwhile waits in the kernel buffers, unanswered. */
  function hold(pair: Pair): void {
    pair.flowing = false;
    pair.client.unpipe();
    pair.client.pause();
    pair.upstream?.unpipe();
    pair.upstream?.pause();
  }

  const server = net.createServer({ pauseOnConnect: true }, (client) => {
    if (mode === 'refuse') {
      client.resetAndDestroy();
      return;
    }
    const pair: Pair = { client, upstream: null, flowing: false };
    pairs.add(pair);
    client.setNoDelay(true);
    client.on('error', () => drop(pair));
    client.on('close', () => drop(pair));
    if (mode === 'forward') forward(pair);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;

  return {
    port,
    via(url) {
      const parsed = new URL(url);
      parsed.hostname = '127.0.0.1';
      parsed.port = String(port);
      return parsed.toString();
    },
    dropAll() {
      for (const pair of [...pairs]) drop(pair);
    },
    setMode(next) {
      if (next === mode) return;
      mode = next;
      for (const pair of pairs) {
        if (next === 'blackhole') hold(pair);
        else if (next === 'forward') forward(pair);
      }
    },
    get mode() {
      return mode;
    },
    get connections() {
      return pairs.size;
    },
    async close() {
      const closed = once(server, 'close');
      server.close();
      for (const pair of [...pairs]) drop(pair);
      await closed;
    },
  };
}
