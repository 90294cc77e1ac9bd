import { createWebhookSubscriber, type EventPublisher } from '@ironflow/engine';
import type { Config } from './config.js';
import type { Logger } from './logger.js';

/**
 * Events one webhook may have waiting (the publisher's `maxQueuedPerSubscriber`). A queued event is a
 * reference to an object the log holds anyway, so this bounds a dead receiver's backlog, not memory
 * per se; past it the oldest waiting event is dropped and logged by the publisher's `onError`.
 */
export const WEBHOOK_QUEUE_LIMIT = 10_000;

/**
 * Subscribes the engine's webhook subscriber (docs/PROTOCOL.md §4) for `WEBHOOK_EVENTS` when `WEBHOOK_URL` is
 * set, logging each event given up. The publisher runs it off the stream's path.
 *
 * @example
 * ```ts
 * const publisher = createInProcessNotifier({ maxQueuedPerSubscriber: WEBHOOK_QUEUE_LIMIT });
 * subscribeWebhook(publisher, config.webhook, logger);
 * ```
 */
export function subscribeWebhook(
  publisher: EventPublisher,
  webhook: Config['webhook'],
  logger: Logger,
): void {
  if (webhook.url === null) return;
  const subscriber = createWebhookSubscriber({
    url: webhook.url,
    secret: webhook.secret,
    kinds: webhook.events,
    onDelivery: ({ event, id, attempts, status }) =>
      logger.debug({ type: event.type, delivery: id, attempts, status }, 'webhook delivered'),
    onFailure: ({ event, id, attempts, status, error }) =>
      logger.warn(
        { type: event.type, delivery: id, attempts, status, err: error.cause ?? error },
        'webhook delivery failed',
      ),
  });
  publisher.subscribe(subscriber.kinds, subscriber.handler, subscriber.options);
}
