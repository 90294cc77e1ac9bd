import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  renderEventsDocument,
  renderReadmeSection,
  replaceReadmeSection,
} from '../scripts/render-event-docs.mjs';
import * as engine from '../src/index.js';

const read = (relative: string) => readFileSync(new URL(relative, import.meta.url), 'utf8');
const FIX =
  'stale: run `pnpm -F @ironflow/engine build && node packages/engine/scripts/generate-event-docs.mjs`';

// The documentation is generated from the table; these fail when a committed file drifts from it.
describe('generated event documentation', () => {
  it('docs/EVENTS.md is what the table gives', () => {
    expect(read('../../../docs/EVENTS.md'), FIX).toBe(renderEventsDocument(engine));
  });

  it("the README's kinds section is what the table gives", () => {
    const readme = read('../README.md');
    expect(readme, FIX).toBe(replaceReadmeSection(readme, renderReadmeSection(engine)));
  });

  it('documents every kind, every field with its type and default, and an example', () => {
    const document = renderEventsDocument(engine);
    for (const info of engine.eventCatalog) {
      expect(document).toContain(`### ${info.kind}\n`);
      for (const field of info.fields) {
        expect(document).toContain(
          `| \`${field.name}\` | ${field.type.replaceAll('|', '\\|')} | ${field.default ?? 'required'} |`,
        );
      }
      expect(document).toContain(JSON.stringify(engine.exampleEvents[info.kind], null, 2));
    }
    expect(engine.eventCatalog.map((info) => info.kind)).toEqual(engine.EVENT_KINDS);
  });

  it('names the defaults of docs/PROTOCOL.md §2', () => {
    const defaults = Object.fromEntries(
      engine.eventCatalog.flatMap((info) =>
        info.fields.filter((f) => f.default !== null).map((f) => [`${info.kind}.${f.name}`, f.default]),
      ),
    );
    expect(defaults).toMatchObject({
      'run_status_changed.error': 'null',
      'run_status_changed.labels': '{}',
      'approval_granted.step_id': 'null',
      'approval_granted.approvals_received': '1',
      'approval_granted.approvals_required': '1',
      'approval_granted.requirement': 'null',
      'approval_rejected.step_id': 'null',
      'approval_escalated.assignee': 'null',
      'log_line.id': 'a new UUID v7',
      'run_created.at': 'now',
    });
    expect(defaults['step_failed.error']).toBeUndefined();
  });
});
