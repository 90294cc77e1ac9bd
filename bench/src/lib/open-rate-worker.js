// A child process of S9: opens streams on fresh connections, `concurrency` at a time, each with
// its own token, until `count` have answered; an open is done at the first byte of the body
// (the head and the first SSE line), then the connection is closed. Reports opens, failures and
// open latencies (connect → first body byte).
import http from 'node:http';

function openOnce(port, path, headers) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const req = http.request({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        res.on('end', () => resolve({ ok: false, why: `status ${res.statusCode}` }));
        return;
      }
      res.once('data', () => {
        const ms = performance.now() - t0;
        req.destroy();
        resolve({ ok: true, ms });
      });
    });
    req.setTimeout(30_000, () => req.destroy(new Error('no first byte within 30 s')));
    req.on('error', (error) => resolve({ ok: false, why: error.message }));
    req.end();
  });
}

process.on('message', async ({ port, path, tokens, concurrency }) => {
  const latencies = [];
  let failures = 0;
  let firstFailure = null;
  let next = 0;
  const t0 = performance.timeOrigin + performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < tokens.length) {
        const headers = { authorization: `Bearer ${tokens[next++]}` };
        const result = await openOnce(port, path, headers);
        if (result.ok) latencies.push(result.ms);
        else {
          failures += 1;
          firstFailure ??= result.why;
        }
      }
    }),
  );
  const t1 = performance.timeOrigin + performance.now();
  process.send({ start: t0, end: t1, opens: latencies.length, failures, firstFailure, latencies });
});
