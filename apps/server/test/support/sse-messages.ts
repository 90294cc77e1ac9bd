/** One SSE message as the tests compare it: `id`, `event` and `data` ('' when absent). */
export interface SseMessage {
  id: string;
  event: string;
  data: string;
}

/**
 * Splits what a stream has sent so far into its complete messages (those with data; comments and
 * retry-only blocks are dropped) and the incomplete rest, to prepend to the next chunk.
 */
export function takeSseMessages(buffer: string): { messages: SseMessage[]; rest: string } {
  const messages: SseMessage[] = [];
  let rest = buffer;
  for (let cut = rest.indexOf('\n\n'); cut !== -1; cut = rest.indexOf('\n\n')) {
    const fields = new Map<string, string>();
    for (const line of rest.slice(0, cut).split('\n')) {
      const colon = line.indexOf(': ');
      if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 2));
    }
    if (fields.has('data')) {
      messages.push({
        id: fields.get('id') ?? '',
        event: fields.get('event') ?? '',
        data: fields.get('data') ?? '',
      });
    }
    rest = rest.slice(cut + 2);
  }
  return { messages, rest };
}
