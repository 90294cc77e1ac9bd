import type { AuthState } from '@ironflow/auth';
import type { EventLog } from '@ironflow/store';
import type Router from '@koa/router';
import type { Middleware } from 'koa';
import type { Hub } from '../sse/hub.js';
import { planResume } from '../sse/resume-plan.js';
import { parseStreamQuery } from './stream-query.js';

export interface EventsStreamDeps {
  readonly log: EventLog;
  readonly hub: Hub;
  readonly authenticate: Middleware<AuthState>;
}

/** `GET /api/v1/events`: authenticate, validate the query, then hand the socket to the hub. */
export function mountEventsStream(router: Router, deps: EventsStreamDeps): void {
  router.get('/api/v1/events', deps.authenticate, (ctx) => {
    const query = parseStreamQuery(ctx.query, ctx.get('last-event-id'));
    const claims = (ctx.state as AuthState).user;
    const plan = planResume(query.resume, deps.log);
    deps.hub.open(
      {
        res: ctx.res,
        userId: claims.user_id,
        isAdmin: claims.is_admin,
        expiresAtMs: claims.exp * 1000,
        runId: query.runId,
        kinds: query.kinds,
      },
      plan,
    );
    // The hub owns the response from here on; Koa must not write or end it.
    ctx.status = 200;
    ctx.respond = false;
  });
}
