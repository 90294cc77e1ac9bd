import { type IronflowEvent, validateEvent } from '@ironflow/engine';
import { type EventValidationDetail, EventValidationError } from './errors.js';

/** The most problems an `EventValidationError` lists; its message gives the total. */
export const MAX_VALIDATION_DETAILS = 100;
// A path or message quotes client input (label keys, unknown type names): each is cut so that
// the error stays small whatever the input.
const MAX_QUOTED_CHARS = 200;

const cut = (text: string): string =>
  text.length > MAX_QUOTED_CHARS ? `${text.slice(0, MAX_QUOTED_CHARS)}… (${text.length} characters)` : text;

/**
 * Validates an appended batch all-or-nothing, as every log must: returns the canonical events,
 * or throws `EventValidationError` listing the first {@link MAX_VALIDATION_DETAILS} problems
 * (paths and messages cut to 200 characters) with the total in its message.
 */
export function validateBatch(inputs: readonly unknown[], now: (() => Date) | undefined): IronflowEvent[] {
  if (!Array.isArray(inputs)) {
    throw new TypeError('append expects an array of events; wrap a single event as [event]');
  }
  const options = now === undefined ? undefined : { now };
  const valid: IronflowEvent[] = [];
  const details: EventValidationDetail[] = [];
  let total = 0;
  let invalidItems = 0;
  inputs.forEach((input, index) => {
    const result = validateEvent(input, options);
    if (result.ok) {
      valid.push(result.event);
      return;
    }
    invalidItems += 1;
    total += result.issues.length;
    // Past the cap only the count goes on: no detail objects are built for the rest.
    for (const { path, message } of result.issues) {
      if (details.length === MAX_VALIDATION_DETAILS) break;
      details.push({ index, path: cut(path), message: cut(message) });
    }
  });
  if (invalidItems > 0) throw new EventValidationError(details, inputs.length, total, invalidItems);
  return valid;
}
