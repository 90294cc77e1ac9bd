import { type IronflowEvent, validateEvent } from '@ironflow/engine';
import { type EventValidationDetail, EventValidationError } from './errors.js';

/**
 * Validates an appended batch all-or-nothing, as every log must: returns the canonical events,
 * or throws `EventValidationError` with every issue of every invalid item.
 */
export function validateBatch(inputs: readonly unknown[], now: (() => Date) | undefined): IronflowEvent[] {
  if (!Array.isArray(inputs)) {
    throw new TypeError('append expects an array of events; wrap a single event as [event]');
  }
  const options = now === undefined ? undefined : { now };
  const valid: IronflowEvent[] = [];
  const details: EventValidationDetail[] = [];
  inputs.forEach((input, index) => {
    const result = validateEvent(input, options);
    if (result.ok) valid.push(result.event);
    else for (const { path, message } of result.issues) details.push({ index, path, message });
  });
  if (details.length > 0) throw new EventValidationError(details, inputs.length);
  return valid;
}
