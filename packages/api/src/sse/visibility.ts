import type { StreamSubscriber } from './connection.js';

/** `user_*` events reach admins and the user they concern only (docs/PROTOCOL.md §3). */
export function maySee(subscriber: StreamSubscriber, userId: string): boolean {
  return subscriber.isAdmin || subscriber.userId === userId;
}
