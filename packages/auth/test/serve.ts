import type { AddressInfo } from 'node:net';
import Koa from 'koa';

export interface TestServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Runs `app` on port 0 behind a copy of the api's error rendering: any error with `expose`,
 * `status` and `code` becomes `{"error":{"code","message"}}` with its `headers`.
 */
export async function serve(configure: (app: Koa) => void): Promise<TestServer> {
  const app = new Koa();
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const e = error as {
        expose?: boolean;
        status?: number;
        code?: string;
        message: string;
        headers?: object;
      };
      if (!e.expose || typeof e.status !== 'number' || typeof e.code !== 'string') throw error;
      ctx.status = e.status;
      ctx.set({ ...(e.headers as Record<string, string>) });
      ctx.body = { error: { code: e.code, message: e.message } };
    }
  });
  app.silent = true;
  configure(app);
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
