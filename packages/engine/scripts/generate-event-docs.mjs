// Writes docs/EVENTS.md and the kinds section of packages/engine/README.md from the built engine
// (`pnpm -F @ironflow/engine build` first). With --check, writes nothing and exits 1 when either
// file differs from what the table gives. Run: node packages/engine/scripts/generate-event-docs.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as engine from '../dist/index.js';
import { renderEventsDocument, renderReadmeSection, replaceReadmeSection } from './render-event-docs.mjs';

const eventsPath = fileURLToPath(new URL('../../../docs/EVENTS.md', import.meta.url));
const readmePath = fileURLToPath(new URL('../README.md', import.meta.url));
const check = process.argv.includes('--check');

const wanted = [
  [eventsPath, renderEventsDocument(engine)],
  [readmePath, replaceReadmeSection(readFileSync(readmePath, 'utf8'), renderReadmeSection(engine))],
];
let stale = 0;
for (const [path, text] of wanted) {
  let current = null;
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    // A missing file is stale.
  }
  if (current === text) continue;
  stale += 1;
  if (check)
    console.error(`${path} is out of date: run node packages/engine/scripts/generate-event-docs.mjs`);
  else writeFileSync(path, text);
}
if (check && stale > 0) process.exit(1);
