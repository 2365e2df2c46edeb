#!/usr/bin/env bash
# The whole test suite, as CI runs it: lint, typecheck, the build (skipped when out/ is newer
# than its sources, as right after CI's set-up), unit, integration (real QEMU), security (one
# test per finding of issue 10: live hosts, real QEMU), Electron security lint, and end-to-end
# (real Chromium against the headless host). The build comes before the tests: integration
# tests start `vmsig serve`, which serves out/renderer.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
step "lint";            npm run lint
step "typecheck";       npm run typecheck
step "build";           node scripts/build-if-stale.mjs
step "unit tests";      npx vitest run --project unit
step "integration";     npx vitest run --project integration
step "security";        npx vitest run --project security
step "electronegativity"; node scripts/electronegativity.mjs
# @playwright/test: Debian's Chromium against the headless host, and the Electron shell
# where its binary exists (its project is reported skipped, with the reason, elsewhere).
step "end-to-end";      npm run test:e2e
