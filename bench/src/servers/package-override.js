// Preloaded with `--import` when the bench compares builds of a workspace package in one run
// (`pnpm bench --compare-api before=DIR,after=DIR`, `--compare-store before=DIR`): every import
// of the package in the server loads DIR/index.js instead, and that build's own bare imports
// resolve as the real package's would. IRONFLOW_BENCH_OVERRIDES is JSON: { "@ironflow/x": DIR }.
import { register } from 'node:module';

const overrides = JSON.parse(process.env.IRONFLOW_BENCH_OVERRIDES || '{}');
if (process.env.IRONFLOW_BENCH_API_DIST) overrides['@ironflow/api'] = process.env.IRONFLOW_BENCH_API_DIST;
register('./package-override-hooks.js', import.meta.url, { data: { overrides } });
