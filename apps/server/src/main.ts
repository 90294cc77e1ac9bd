// The server entry point: `node apps/server/dist/main.js` (the same as `ironflow serve`).
import { serve } from './serve.js';

await serve(process.env);
