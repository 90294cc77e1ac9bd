// CommonJS: require() of the ES-module packages (require(esm), Node >= 20.19).
const { createIngestClient, buildStreamUrl } = require('@ironflow/client');
const { validateEvent } = require('@ironflow/engine');

const checked = validateEvent({ type: 'run_created', run_id: crypto.randomUUID(), workflow_name: 'deploy' });
console.log(
  JSON.stringify({
    validated: checked.ok,
    ingest: typeof createIngestClient,
    url: buildStreamUrl('http://h', { types: ['run_failed'] }),
  }),
);
