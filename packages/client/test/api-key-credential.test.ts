import { waitFor } from '@ironflow/test-support';
import { EventSource } from 'eventsource';
import { afterEach, describe, expect, it } from 'vitest';
import { createIngestClient, type Subscription, subscribe } from '../src/index.js';
import { RUN_A, runCreated } from './support/sample-events.js';
import { type StreamServer, startStreamServer } from './support/stream-server.js';

let srv: StreamServer | undefined;
const subscriptions: Subscription[] = [];

afterEach(async () => {
  for (const subscription of subscriptions.splice(0)) subscription.close();
  await srv?.close();
});

/** Signs a user up and creates an API key with `scopes` for them, as a service's operator would. */
async function createKey(server: StreamServer, scopes: string[]): Promise<string> {
  const name = `svc-${crypto.randomUUID().slice(0, 8)}`;
  const signUp = await fetch(`${server.url}/api/v1/auth/sign-up`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: `${name}@example.com`,
      username: name,
      password: 'a long enough password',
    }),
  });
  expect(signUp.status).toBe(201);
  const { data: session } = (await signUp.json()) as { data: { access_token: string } };
  const created = await fetch(`${server.url}/api/v1/api-keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${session.access_token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, scopes }),
  });
  expect(created.status).toBe(201);
  const { data } = (await created.json()) as { data: { key: string } };
  expect(data.key).toMatch(/^irfl_/);
  return data.key;
}

describe('an irfl_ API key as the credential', () => {
  it('follows the stream with an events:read key and publishes with an events:write key', async () => {
    srv = await startStreamServer();
    const reader = await createKey(srv, ['events:read']);
    const writer = await createKey(srv, ['events:write']);
    const received: string[] = [];
    const subscription = subscribe(
      { url: srv.url, EventSource, credential: reader, types: ['run_created'] },
      { onEvent: (event) => received.push(event.workflow_name) },
    );
    subscriptions.push(subscription);
    await waitFor(() => subscription.state === 'open', 'the stream to open with the key');

    const ingest = createIngestClient({ url: srv.url, credential: writer });
    expect((await ingest.publish(runCreated(7, RUN_A))).accepted).toBe(1);
    await waitFor(() => received.length === 1, 'the event on the stream');
    expect(received).toEqual(['wf-7']);

    // The scopes hold: a read key cannot publish.
    const refused = createIngestClient({ url: srv.url, credential: reader });
    await expect(refused.publish(runCreated(8))).rejects.toMatchObject({
      status: 401,
      code: 'INVALID_TOKEN',
    });
  });
});
