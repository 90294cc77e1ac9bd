import { describeEvent, shortId } from './describe-event.js';
import { element } from './dom.js';
import { formatDateTime, formatTime } from './format-time.js';
import type { Received, ReceivedLog } from './live-state.js';

/**
 * One row of the event list: a button (so a click, Enter or Space opens the detail panel) inside an
 * item that carries the event's kind, cursor and run for the page and its tests.
 */
export function eventRow({ cursor, event }: Received): HTMLLIElement {
  const row = element('li');
  row.dataset.kind = event.type;
  if (cursor) row.dataset.cursor = cursor;
  const button = element('button', 'event');
  button.type = 'button';
  const time = element('time', 'event-time', formatTime(event.at));
  time.dateTime = event.at;
  time.title = formatDateTime(event.at);
  const kind = element('span', `kind kind-${event.type.replace('.', '-')}`, event.type);
  const runId = 'run_id' in event ? event.run_id : null;
  const run = element('span', 'event-run', runId === null ? '—' : shortId(runId));
  if (runId !== null) {
    row.dataset.run = runId;
    run.title = runId;
  }
  button.append(time, kind, run, element('span', 'event-text', describeEvent(event)));
  row.append(button);
  return row;
}

const STREAM_TAG = { stdout: 'out', stderr: 'err', system: 'sys' } as const;

/** One console line; its stream is written out (`err`, `sys`), not only coloured. */
export function logRow({ line }: ReceivedLog): HTMLLIElement {
  const row = element('li', `log log-${line.stream}`);
  row.append(
    element('span', 'log-time', formatTime(line.at)),
    element('span', 'log-stream', STREAM_TAG[line.stream]),
    element('span', 'log-step', line.step_name),
    element('span', 'log-text', line.line),
  );
  return row;
}
