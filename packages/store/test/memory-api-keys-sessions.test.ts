import { randomUUID } from 'node:crypto';
import { createMemoryApiKeyStore, createMemorySessionStore } from '@ironflow/store';
import { describeApiKeyStore } from './contract/api-key-store-contract.js';
import { describeSessionStore } from './contract/session-store-contract.js';

describeApiKeyStore('memory', async () => ({
  store: createMemoryApiKeyStore(),
  userIds: [randomUUID(), randomUUID()],
}));

describeSessionStore('memory', async () => ({ store: createMemorySessionStore(), userId: randomUUID() }));
