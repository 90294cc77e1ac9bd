// Times as a person reads them: in the viewer's time zone, with that zone said, and how long ago.

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

// Built once: Intl formatters are costly to create and the page formats thousands of times.
const offsetName = new Intl.DateTimeFormat('en-US', { timeZoneName: 'shortOffset' });

/** The viewer's zone as shown beside times, e.g. `Europe/Paris (GMT+1)`. */
export function zoneLabel(at: Date = new Date()): string {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return `${zone} (${offsetOf(at)})`;
}

/** The viewer's offset at that moment, e.g. `GMT+1` (`GMT` for UTC itself). */
export function offsetOf(date: Date): string {
  return offsetName.formatToParts(date).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
}

/** `HH:MM:SS.mmm` for today's times, `MM-DD HH:MM:SS` for other days; local time. */
export function formatTime(at: string, now: Date = new Date()): string {
  const date = new Date(at);
  const clock = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  if (sameDay(date, now)) return `${clock}.${pad(date.getMilliseconds(), 3)}`;
  return `${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${clock}`;
}

/** `2026-11-27 15:00:01.123 GMT+1`: the full local date and time with its zone. */
export function formatDateTime(at: string): string {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return at;
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)} ${offsetOf(date)}`;
}

/** A short date and time with its zone, for times inside a sentence: `11-28 15:00 GMT+1`. */
export function formatShortDateTime(at: string): string {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return at;
  return `${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())} ${offsetOf(date)}`;
}

/** `just now`, `42 s ago`, `5 min ago`, `3 h ago`, `2 d ago`, or `in 5 min` for future times. */
export function formatRelative(at: string, now: number = Date.now()): string {
  const ms = now - new Date(at).getTime();
  if (Number.isNaN(ms)) return '';
  const future = ms < 0;
  const seconds = Math.round(Math.abs(ms) / 1000);
  if (seconds < 5) return 'just now';
  const amount =
    seconds < 60
      ? `${seconds} s`
      : seconds < 3600
        ? `${Math.floor(seconds / 60)} min`
        : seconds < 86_400
          ? `${Math.floor(seconds / 3600)} h`
          : `${Math.floor(seconds / 86_400)} d`;
  return future ? `in ${amount}` : `${amount} ago`;
}

function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}
