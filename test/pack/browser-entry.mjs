// Bundled for the browser by the pack test: every import must resolve without Node built-ins.
import { createIngestClient, subscribe } from '@ironflow/client';
import {
  createWebhookSubscriber,
  eventJsonSchemas,
  validateEvent,
  verifyWebhookSignature,
} from '@ironflow/engine';

export {
  createIngestClient,
  createWebhookSubscriber,
  eventJsonSchemas,
  subscribe,
  validateEvent,
  verifyWebhookSignature,
};
