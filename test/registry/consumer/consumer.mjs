// Runs in a project outside the workspace, with @ironflow/* installed from the registry. Follows the
// built server's stream for run_failed, publishes a failing status change with the ingest client, and
// prints one JSON line of what it saw. Usage: node consumer.mjs <server url> <access token> <worker token>
import { createIngestClient, subscribe } from '@ironflow/client';
import { EVENT_KINDS } from '@ironflow/engine';
import { EventSource } from 'eventsource';

const [url, token, workerToken] = process.argv.slice(2);
const runId = crypto.randomUUID();
const deadline = setTimeout(() => {
  console.error('consumer: no run_failed within 20 s');
  process.exit(1);
}, 20_000);

const received = await new Promise((resolve, reject) => {
  const subscription = subscribe(
    { url, types: ['run_failed'], credential: () => token, EventSource },
    {
      onEvent(event) {
        if (event.run_id !== runId) return;
        subscription.close();
        resolve(event);
      },
      onStateChange(state) {
        if (state !== 'open') return;
        const ingest = createIngestClient({ url, credential: workerToken });
        ingest
          .publishRunStatusChange({
            run_id: runId,
            workflow_name: 'deploy',
            from: 'running',
            to: 'failed',
            error: 'exit 1',
            cost_usd: 0.25,
            duration_ms: 1200,
          })
          .then((answer) => {
            if (answer.accepted !== 2) reject(new Error(`accepted ${answer.accepted}`));
          }, reject);
      },
      onError: reject,
    },
  );
});
clearTimeout(deadline);
console.log(JSON.stringify({ kinds: EVENT_KINDS.length > 0, type: received.type, error: received.error }));
