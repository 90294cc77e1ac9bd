import http from 'node:http';
import net from 'node:net';

/**
 * POSTs bodies one at a time over one keep-alive connection (one request in flight, so the
 * server sees the events in publish order). Resolves with the response status.
 */
export function createHttpPublisher(port, headers = {}) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  return {
    post(path, body) {
      return new Promise((resolve, reject) => {
        const req = http.request(
          {
            host: '127.0.0.1',
            port,
            path,
            method: 'POST',
            agent,
            headers: {
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(body),
              ...headers,
            },
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode));
          },
        );
        req.setTimeout(60_000, () => req.destroy(new Error(`publish to ${path} timed out`)));
        req.on('error', reject);
        req.end(body);
      });
    },
    close() {
      agent.destroy();
    },
  };
}

/**
 * Sends many small POSTs pipelined on one connection (HTTP/1.1 pipelining keeps their order) and
 * resolves when every response has come: how a batch reaches a server that takes one message
 * per request (Nchan). Resolves with the number of non-2xx responses.
 */
export function createPipelinedPublisher(port) {
  let socket = null;
  let waiting = null;
  let text = '';

  function connect() {
    socket = net.connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    socket.on('data', (chunk) => {
      if (!waiting) return;
      text += chunk.toString('latin1');
      let at = 0;
      for (;;) {
        const i = text.indexOf('HTTP/1.1 ', at);
        if (i < 0) break;
        if (text.length < i + 12) break;
        if (text[i + 9] !== '2') waiting.failed++;
        waiting.left--;
        at = i + 12;
      }
      text = text.slice(at);
      if (waiting.left === 0) {
        const done = waiting;
        waiting = null;
        text = '';
        done.resolve(done.failed);
      }
    });
    socket.on('error', (error) => waiting?.reject(error));
    socket.on('close', () => {
      socket = null;
      waiting?.reject(new Error('publisher connection closed'));
    });
  }

  return {
    /** `requests`: `[path, body]` pairs. */
    send(requests) {
      if (!socket) connect();
      return new Promise((resolve, reject) => {
        waiting = { left: requests.length, failed: 0, resolve, reject };
        const parts = [];
        for (const [path, body] of requests) {
          parts.push(
            `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
          );
        }
        socket.write(parts.join(''));
      });
    },
    close() {
      socket?.destroy();
    },
  };
}
