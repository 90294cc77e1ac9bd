// zod compiles fast parsers with `new Function` when it may; under the page's CSP (no
// 'unsafe-eval') the probe for that is a reported violation. Turning the JIT off before the
// engine's schemas are built keeps the console clean; parsing stays fast enough for the stream.
import { config } from 'zod';

config({ jitless: true });
