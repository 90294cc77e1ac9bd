#!/usr/bin/env bash
# Runs every test from a fresh clone: installs, builds, lints, tests, and prints "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/ensure-pnpm.sh

pnpm install --frozen-lockfile || exit 1
pnpm run build || exit 1
lint_rc=0
pnpm run lint || lint_rc=$?

mkdir -p .test-results
rm -f .test-results/vitest.json
pnpm exec vitest run --reporter=default --reporter=json --outputFile.json=.test-results/vitest.json "$@"
test_rc=$?

node scripts/test-summary.mjs .test-results/vitest.json "$lint_rc"
summary_rc=$?
if [ "$test_rc" -ne 0 ] || [ "$lint_rc" -ne 0 ] || [ "$summary_rc" -ne 0 ]; then exit 1; fi
