import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { EventSourceConstructor } from '../src/index.js';
import * as client from '../src/index.js';

// Type-level: the browser's EventSource (lib DOM) and the `eventsource` package's both fit the seam.
const browserEventSource: EventSourceConstructor | undefined = globalThis.EventSource;
void browserEventSource;

const srcDir = fileURLToPath(new URL('../src/', import.meta.url));
const sources = readdirSync(srcDir, { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.ts'))
  .map((file) => [file, readFileSync(srcDir + file, 'utf8')] as const);

describe('source rules', () => {
  it.each(sources)(
    '%s is browser-safe and imports only @ironflow/engine and relative .js paths',
    (_file, text) => {
      expect(text).not.toMatch(/from ['"]node:/);
      expect(text).not.toMatch(/\bBuffer\b|\bprocess\.|\brequire\(/);
      for (const [, specifier] of text.matchAll(/from ['"]([^'"]+)['"]/g)) {
        expect(specifier === '@ironflow/engine' || /^\.\/[\w/-]+\.js$/.test(specifier ?? '')).toBe(true);
      }
    },
  );

  it('lists exports by name in index.ts (no export *)', () => {
    expect(sources.find(([file]) => file === 'index.ts')?.[1]).not.toMatch(/export \*/);
  });

  it('exports exactly the documented runtime names', () => {
    expect(Object.keys(client).sort()).toEqual([
      'ClientError',
      'EVENTS_PATH',
      'EventsLostError',
      'HandlerError',
      'INGEST_EVENTS_PATH',
      'IngestError',
      'InvalidClientOptionError',
      'InvalidEventPayloadError',
      'StreamConnectionError',
      'backoffDelay',
      'buildStreamUrl',
      'createIngestClient',
      'readErrorEnvelope',
      'subscribe',
    ]);
  });
});
