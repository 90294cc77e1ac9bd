import { resumeStorm, resumeStormMethod } from './s4-resume.js';

/**
 * S8: the reconnect storm after a deploy. S4's storm at the size of a real fleet's reconnect:
 * every stream comes back at the same moment with its Last-Event-ID, a little behind.
 */
export default {
  id: 's8',
  title: 'S8 reconnect storm',
  // The Koa port loses by design (its ring) and better-sse is no resume peer; the ceiling and
  // Nchan are the references.
  targets: (name) => name.startsWith('ironflow') || name === 'node:http ceiling' || name === 'Nchan',
  method: (s) => resumeStormMethod(s),
  run: (target, s, ctx) => resumeStorm(target, s, ctx),
};
