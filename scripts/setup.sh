#!/usr/bin/env bash
# One-command set-up for a fresh Debian/Ubuntu machine: system packages (when root or sudo
# is available), npm dependencies, the test guest and the build; then starts the console.
#   bash scripts/setup.sh              set up, then start the console
#   bash scripts/setup.sh --no-start   set up only (CI uses this)
set -euo pipefail
cd "$(dirname "$0")/.."

start=1
[ "${1:-}" = "--no-start" ] && start=0
[ "${CI:-}" = "true" ] && start=0

APT_PACKAGES=(qemu-system-x86 qemu-utils busybox-static cpio xz-utils kmod gcc libc6-dev nats-server chromium curl ca-certificates)
# Keyboard layouts: QEMU's keymaps come with qemu-system-x86 (qemu-system-data); x11proto-dev has
# keysymdef.h, the keysym names those keymaps use.
APT_PACKAGES+=(qemu-system-data x11proto-dev)
# The test guest's console keymaps (de, fr): compiled from xkb-data by ckbcomp (taken from the
# console-setup package by the guest build) and kbd's loadkeys -b.
APT_PACKAGES+=(kbd xkb-data)
# The Debian disk image and ISO the real-OS tests boot (npm run debian-image), and UEFI firmware.
APT_PACKAGES+=(mmdebstrap e2fsprogs fdisk dosfstools mtools grub-common grub-pc-bin grub-efi-amd64-bin xorriso ovmf)

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

if command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then SUDO=(); elif command -v sudo >/dev/null 2>&1; then SUDO=(sudo); else SUDO=(none); fi
  missing=()
  for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "${SUDO[0]:-}" = none ]; then
      echo "Missing Debian packages: ${missing[*]}. Install them as root: apt-get install ${missing[*]}" >&2
    else
      say "Installing system packages: ${missing[*]}"
      "${SUDO[@]}" apt-get update -q
      DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
    fi
  fi
else
  echo "Not a Debian/Ubuntu machine: install QEMU (qemu-system-x86_64), busybox (static), cpio, gcc, chromium and nats-server yourself." >&2
fi

# Electron's binary comes from GitHub. Where GitHub is unreachable, skip it: everything but the
# Electron window (the headless host `vmsig serve`, the CLI, the tests) works without it.
if ! curl -sfI --max-time 5 https://github.com >/dev/null 2>&1; then
  say "GitHub is unreachable: skipping the Electron binary download (use the browser console: npm start falls back to it)"
  export ELECTRON_SKIP_BINARY_DOWNLOAD=1
fi

say "Installing npm dependencies"
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi

say "Building the test guest (cached in ${XDG_CACHE_HOME:-$HOME/.cache}/vmsig/guest)"
npm run guest

say "Building the console"
npm run build

if [ "$start" -eq 1 ]; then
  say "Starting the console"
  exec npm start
fi
say "Set-up done. Start the console with: npm start    Run the tests with: npm test"
