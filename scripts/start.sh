#!/usr/bin/env bash
# Starts the console: the Electron window when Electron's binary is installed, otherwise the
# headless host serving the same console to your browser on 127.0.0.1 (URL printed).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d out/renderer ] || npm run build
if node -e "require('fs').accessSync(require('electron'))" >/dev/null 2>&1; then
  exec npx electron-vite preview -- "$@"
fi
echo "Electron is not installed (its binary could not be downloaded): starting the browser console instead." >&2
exec node bin/vmsig.mjs serve "$@"
