# Sourced by the other scripts: puts pnpm 12.4.2 on PATH (turbo needs it there), installing it
# into a user cache when the machine has another version or none.
PNPM_VERSION=12.4.2
if [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  tools="${XDG_CACHE_HOME:-$HOME/.cache}/ironflow-pnpm-$PNPM_VERSION"
  if [ ! -x "$tools/node_modules/.bin/pnpm" ]; then
    npm install --silent --no-audit --no-fund --prefix "$tools" "pnpm@$PNPM_VERSION" >&2
  fi
  export PATH="$tools/node_modules/.bin:$PATH"
fi
export TURBO_TELEMETRY_DISABLED=1
