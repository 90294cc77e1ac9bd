// Prints the closing line CI reads: "N passed, N failed". A failed lint counts as one failure, and
// so does a test file that failed without a failing test (it could not load, or a hook threw).
import { existsSync, readFileSync } from 'node:fs';

const [file, lintExitCode = '0'] = process.argv.slice(2);
if (!file || !existsSync(file)) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const report = JSON.parse(readFileSync(file, 'utf8'));
const brokenFiles = report.testResults.filter(
  (result) => result.status === 'failed' && !result.assertionResults.some((test) => test.status === 'failed'),
);
for (const broken of brokenFiles)
  console.log(`failed without a failing test: ${broken.name}: ${broken.message ?? ''}`);
const lintFailed = lintExitCode !== '0' ? 1 : 0;
if (lintFailed) console.log('lint: failed (see above)');
const failed = report.numFailedTests + brokenFiles.length + lintFailed;
const passed = report.numPassedTests;
const skipped = report.numPendingTests + (report.numTodoTests ?? 0);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
