// Preloaded with `--import` when the bench compares two builds of @ironflow/api in one run
// (`pnpm bench --compare-api before=DIR,after=DIR`): every import of '@ironflow/api' in the
// server loads DIR/index.js instead, and that build's own bare imports resolve as the real
// package's would.
import { register } from 'node:module';

register('./api-override-hooks.js', import.meta.url, { data: { dist: process.env.IRONFLOW_BENCH_API_DIST } });
