import { EVENT_KINDS } from '@ironflow/engine';
import { formatCursor } from '@ironflow/store';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/errors.js';
import { parseRunId } from '../src/routes/run-id.js';
import { parseStreamQuery } from '../src/routes/stream-query.js';

const SEED = 20_260_503;

/** Runs `parse`; any failure must be a 400 BAD_REQUEST ApiError, which is returned. */
function parseOr400<T>(parse: () => T): T | ApiError {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    expect(error).toMatchObject({ status: 400, code: 'BAD_REQUEST', expose: true });
    return error;
  }
}

const anyCaseUuid = fc
  .uuid({ version: [1, 2, 3, 4, 5, 7] })
  .chain((uuid) =>
    fc
      .array(fc.boolean(), { minLength: 36, maxLength: 36 })
      .map((upper) => [...uuid].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join('')),
  );
const queryValue = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 50 }),
  anyCaseUuid,
  fc.array(fc.constantFrom(...EVENT_KINDS, ' ', 'nope')).map((kinds) => kinds.join(',')),
  fc.constantFrom('earliest', formatCursor('abc', 5), ''),
);
const rawQuery = fc.dictionary(
  fc.oneof(fc.constantFrom('run_id', 'types', 'last_event_id'), fc.string({ maxLength: 8 })),
  fc.oneof(queryValue, fc.array(queryValue, { minLength: 2, maxLength: 3 })),
  { maxKeys: 5 },
);

describe('parseRunId, property-based', () => {
  it('accepts any UUID in any case and returns it lowercased', () => {
    fc.assert(
      fc.property(anyCaseUuid, (uuid) => {
        expect(parseRunId(uuid)).toBe(uuid.toLowerCase());
      }),
      { seed: SEED, numRuns: 3_000 },
    );
  });

  it('refuses any other string with 400 BAD_REQUEST naming it', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        const result = parseOr400(() => parseRunId(text));
        if (result instanceof ApiError) expect(result.message).toBe(`invalid run_id: ${text}`);
        else expect(result).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      }),
      { seed: SEED, numRuns: 5_000 },
    );
  });
});

describe('parseStreamQuery, property-based', () => {
  it('on any query and Last-Event-ID header either parses or throws 400 BAD_REQUEST, never anything else', () => {
    const header = fc.oneof(fc.constant(''), queryValue);
    fc.assert(
      fc.property(rawQuery, header, (query, lastEventId) => {
        const result = parseOr400(() => parseStreamQuery(query, lastEventId));
        if (result instanceof ApiError) return;
        if (result.runId !== null) expect(result.runId).toBe(result.runId.toLowerCase());
        if (result.kinds !== null) for (const kind of result.kinds) expect(EVENT_KINDS).toContain(kind);
        // The header wins; without it the query's cursor is used.
        const cursorText = lastEventId !== '' ? lastEventId : query.last_event_id;
        if (cursorText === undefined || cursorText === '') expect(result.resume).toEqual({ kind: 'live' });
        else if (cursorText === 'earliest') expect(result.resume).toEqual({ kind: 'earliest' });
        else expect(result.resume).toMatchObject({ kind: 'cursor', text: cursorText });
      }),
      { seed: SEED, numRuns: 5_000 },
    );
  });
});
