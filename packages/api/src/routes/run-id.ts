import { badRequest, echoInput } from '../errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Validates a run id from a URL and returns it lowercased, as events carry it. */
export function parseRunId(text: string): string {
  if (!UUID.test(text)) throw badRequest(`invalid run_id: ${echoInput(text)}`);
  return text.toLowerCase();
}
