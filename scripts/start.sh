#!/usr/bin/env bash
# Starts ironflow from a fresh clone: installs, builds, then runs the server in the foreground
# (configured by environment variables; see README). Install and build output goes to stderr,
# so stdout carries only the server's JSON log lines.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/ensure-pnpm.sh

pnpm install --frozen-lockfile >&2
pnpm run build >&2
exec node apps/server/dist/main.js
