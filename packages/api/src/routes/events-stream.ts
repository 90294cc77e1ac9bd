import type { AuthState } from '@ironflow/auth';
import type { EventLog } from '@ironflow/store';
import type Router from '@koa/router';
import type { Middleware } from 'koa';
import { endKoaTracking } from '../http/end-koa-tracking.js';
import { forgetCredentials } from '../http/forget-credentials.js';
import { routeAhead } from '../http/route-ahead.js';
import { planBacklog } from '../sse/backlog-plan.js';
import type { Hub } from '../sse/hub.js';
import { planResume } from '../sse/resume-plan.js';
import { parseStreamQuery } from './stream-query.js';

const STREAM_HEAD = {
  'Content-Type': 'text/event-stream',
  'Cache-Control': 'no-cache',
  'X-Accel-Buffering': 'no',
} as const;

export interface EventsStreamDeps {
  readonly log: EventLog;
  readonly hub: Hub;
  readonly authenticate: Middleware<AuthState>;
}

const PATH = '/api/v1/events';

/**
 * `GET /api/v1/events`: authenticate, validate the query, then hand the socket to the hub.
 *
 * Returns the same route as a middleware for the path exactly as written, to mount ahead of the
 * router ({@link routeAhead}): opening a stream is the most frequent request.
 */
export function mountEventsStream(router: Router, deps: EventsStreamDeps): Middleware {
  const chain = [deps.authenticate as Middleware, streamRoute(deps)];
  router.get(PATH, ...chain);
  return routeAhead(['GET', 'HEAD'], PATH, chain);
}

function streamRoute(deps: EventsStreamDeps): Middleware {
  return async (ctx) => {
    const query = parseStreamQuery(ctx.query, ctx.get('last-event-id'));
    if (ctx.method === 'HEAD') {
      // A HEAD response can carry no body, so a stream opened for it would never send a byte (Node
      // holds the head back until the end) while taking a slot under the stream limits: answer
      // with the stream's head and end.
      ctx.set(STREAM_HEAD);
      ctx.status = 200;
      return;
    }
    // The stream takes no body; discard any, so the socket keeps being read and the client's
    // hang-up is seen at once (an unread body pauses the socket, hiding the close until a write).
    ctx.req.resume();
    const { user, credential } = ctx.state as AuthState;
    // `backlog` only shapes a first connection without a cursor: a reconnect resumes exactly.
    const plan =
      query.resume.kind === 'live'
        ? await planBacklog(
            {
              backlog: query.backlog,
              runId: query.runId,
              kinds: query.kinds,
              userId: user.user_id,
              isAdmin: user.is_admin,
            },
            deps.log,
          )
        : await planResume(query.resume, deps.log);
    // Planning outlived the request's deadline: it was answered 503 already.
    if (ctx.res.headersSent) return;
    try {
      deps.hub.open(
        {
          res: ctx.res,
          userId: user.user_id,
          isAdmin: user.is_admin,
          credential: credential.id,
          expiresAtMs: credential.expiresAtMs,
          runId: query.runId,
          kinds: query.kinds,
        },
        plan,
      );
    } catch (error) {
      // Refused at a limit: the HTTP/1.1 connection closes after the answer, so that clients
      // retrying at the limit do not pile up idle keep-alive sockets (file descriptors).
      ctx.res.shouldKeepAlive = false;
      throw error;
    }
    // The hub owns the response from here on; Koa must not write or end it, nor keep its context,
    // and the request kept open with it no longer needs its credentials.
    ctx.status = 200;
    ctx.respond = false;
    endKoaTracking(ctx.res);
    forgetCredentials(ctx.req);
  };
}
