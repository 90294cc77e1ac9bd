// Preloaded (`node --expose-gc --import`) into the server by h2-memory.js: SIGUSR2 runs a full GC
// and reports the heap and RSS that remain as one JSON line on stderr.
process.on('SIGUSR2', () => {
  globalThis.gc?.();
  globalThis.gc?.();
  const { heapUsed, rss } = process.memoryUsage();
  process.stderr.write(`${JSON.stringify({ memory: { heapUsed, rss } })}\n`);
});
