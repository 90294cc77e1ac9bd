import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { handleShutdownSignals } from '../src/shutdown.js';

function setup(close: () => Promise<void>, deadlineMs = 10_000) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const signals = new EventEmitter();
  const exits: number[] = [];
  let onExit: (code: number) => void = () => {};
  const exited = new Promise<number>((resolve) => {
    onExit = resolve;
  });
  const remove = handleShutdownSignals({
    close,
    logger: pino(sink),
    deadlineMs,
    signals,
    exit: (code) => {
      exits.push(code);
      onExit(code);
    },
  });
  return { signals, exits, exited, lines, remove };
}

const never = () => new Promise<void>(() => {});

describe('handleShutdownSignals', () => {
  it('closes once on SIGTERM and exits 0', async () => {
    let closes = 0;
    const { signals, exited, exits, lines } = setup(async () => {
      closes += 1;
    });
    signals.emit('SIGTERM', 'SIGTERM');
    expect(await exited).toBe(0);
    expect(closes).toBe(1);
    expect(exits).toEqual([0]);
    expect(lines.map((line) => line.msg)).toEqual(['shutting down', 'shut down cleanly']);
  });

  it('exits 1 at once on a second signal', async () => {
    const { signals, exited, exits } = setup(never);
    signals.emit('SIGINT', 'SIGINT');
    signals.emit('SIGINT', 'SIGINT');
    expect(await exited).toBe(1);
    expect(exits).toEqual([1]);
  });

  it('exits 1 when the deadline passes', async () => {
    const { signals, exited } = setup(never, 20);
    signals.emit('SIGTERM', 'SIGTERM');
    expect(await exited).toBe(1);
  });

  it('exits 1 when closing fails', async () => {
    const { signals, exited, lines } = setup(() => Promise.reject(new Error('boom')));
    signals.emit('SIGTERM', 'SIGTERM');
    expect(await exited).toBe(1);
    expect(lines.at(-1)).toMatchObject({ msg: 'shutdown failed', err: { message: 'boom' } });
  });

  it('removes its handlers', () => {
    const { signals, remove } = setup(never);
    expect(signals.listenerCount('SIGTERM')).toBe(1);
    remove();
    expect(signals.listenerCount('SIGTERM')).toBe(0);
    expect(signals.listenerCount('SIGINT')).toBe(0);
  });
});
