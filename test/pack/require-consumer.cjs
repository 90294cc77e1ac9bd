// CommonJS consumer: on Node >= 20.19 `require()` loads the packages' ES modules (require(esm)) through
// the `default` condition of their `exports`. Prints one JSON line; any failure throws.
const engine = require('@ironflow/engine');
const client = require('@ironflow/client');

const checked = engine.validateEvent({
  type: 'run_created',
  run_id: crypto.randomUUID(),
  workflow_name: 'deploy',
});
console.log(
  JSON.stringify({
    validated: checked.ok,
    streamUrl: client.buildStreamUrl('http://x', { types: ['run_failed'] }).slice('http://x'.length),
  }),
);
