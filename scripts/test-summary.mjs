// Prints the closing line CI reads: "N passed, N failed" (a failed lint counts as one failure).
import { existsSync, readFileSync } from 'node:fs';

const [file, lintExitCode = '0'] = process.argv.slice(2);
if (!file || !existsSync(file)) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const report = JSON.parse(readFileSync(file, 'utf8'));
const lintFailed = lintExitCode !== '0' ? 1 : 0;
const failed = report.numFailedTests + lintFailed + (report.numFailedTestSuites ?? 0);
const passed = report.numPassedTests;
if (lintFailed) console.log('lint: failed (see above)');
const skipped = report.numPendingTests + (report.numTodoTests ?? 0);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
