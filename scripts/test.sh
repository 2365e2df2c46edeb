#!/usr/bin/env bash
# The whole test suite, as CI runs it: lint, typecheck, unit, integration (real QEMU),
# security (one test per finding of issue 10: live hosts, real QEMU), build, Electron
# security lint, and end-to-end (real Chromium against the headless host).
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
step "lint";            npm run lint
step "typecheck";       npm run typecheck
step "unit tests";      npx vitest run --project unit
step "integration";     npx vitest run --project integration
step "security";        npx vitest run --project security
step "build";           npm run build
step "electronegativity"; node scripts/electronegativity.mjs
# @playwright/test: Debian's Chromium against the headless host, and the Electron shell
# where its binary exists (its project is reported skipped, with the reason, elsewhere).
step "end-to-end";      npm run test:e2e
