import type { Middleware } from 'koa';
import type { Hub } from '../sse/hub.js';

/**
 * Runs a request pipelined on an HTTP/1.1 connection only once the responses before it have
 * finished (Node runs them at once, and answers them in order). A stream is a response that
 * does not finish, so a request pipelined behind one would run and never be answered: the hub
 * is told, ends that stream (or refuses it, if it is still being set up) and destroys the
 * connection, and the waiting request is dropped without running. Clients do not pipeline
 * behind an EventSource; this only stops one that does from running requests blind.
 */
export function awaitTurn(hub: Pick<Hub, 'notePipelined'>): Middleware {
  return async (ctx, next) => {
    const { req, res } = ctx;
    // HTTP/2 has no pipelining: its compatibility response always has the session's socket.
    if (res.socket !== null || req.httpVersionMajor !== 1) return next();
    const socket = req.socket;
    hub.notePipelined(socket, 'pipelined');
    const turn = await new Promise<boolean>((resolve) => {
      const settle = (got: boolean) => () => {
        res.off('socket', onSocket);
        socket.off('close', onClose);
        resolve(got);
      };
      const onSocket = settle(true);
      const onClose = settle(false);
      res.once('socket', onSocket);
      socket.once('close', onClose);
    });
    hub.notePipelined(socket, 'turn');
    if (!turn) {
      ctx.respond = false;
      return;
    }
    await next();
  };
}
