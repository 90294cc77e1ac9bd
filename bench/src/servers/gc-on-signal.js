// Preloaded (`node --expose-gc --import`) into every Node server under test: SIGUSR2 runs a full
// GC, so the bench can read a settled RSS from /proc without changing the server's own code.
process.on('SIGUSR2', () => {
  globalThis.gc?.();
  globalThis.gc?.();
});
