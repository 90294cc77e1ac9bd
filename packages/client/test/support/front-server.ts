import { once } from 'node:events';
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the front does with one request: answer it itself, cut it, or pass it to the real server. */
export type FrontAction =
  | { readonly answer: number; readonly headers?: Record<string, string>; readonly body?: unknown }
  | { readonly cut: true }
  | 'forward';

export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** An HTTP server in front of the real one, to inject answers a healthy server never gives. */
export interface FrontServer {
  readonly url: string;
  readonly seen: SeenRequest[];
  close(): Promise<void>;
}

export async function startFrontServer(
  target: string,
  decide: (request: SeenRequest, index: number) => FrontAction,
): Promise<FrontServer> {
  const seen: SeenRequest[] = [];
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const entry = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
    seen.push(entry);
    const action = decide(entry, seen.length - 1);
    if (action === 'forward') {
      const upstream = request(
        `${target}${entry.path}`,
        { method: entry.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      upstream.end(body);
    } else if ('cut' in action) {
      res.socket?.resetAndDestroy();
    } else {
      res.writeHead(action.answer, { 'content-type': 'application/json', ...action.headers });
      res.end(action.body === undefined ? '' : JSON.stringify(action.body));
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
