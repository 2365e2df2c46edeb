#!/usr/bin/env bash
# Builds the project's tiny Linux test guest (cloud kernel + busybox initramfs) from Debian
# packages into ${XDG_CACHE_HOME:-$HOME/.cache}/vmsig/guest/. It never installs a package
# and never writes outside that cache; when the guest is already there it does nothing.
#
# Usage: build-guest.sh [--force]      (VMSIG_GUEST_DIR overrides the cache directory)
set -euo pipefail

# Bump when the initramfs recipe changes so cached guests are rebuilt once.
RECIPE_VERSION=8
GUEST_DIR="${VMSIG_GUEST_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/vmsig/guest}"
STAMP="$GUEST_DIR/stamp"
# The modules the guest loads, in dependency order resolved below: virtio-tablet-pci
# (absolute pointer), evdev (so the pointer reporter can read it), the ACPI power button,
# and virtio-net (a managed VM's user-mode NIC, for the port-forward tests).
WANT_MODULES=(virtio_pci virtio_input evdev button virtio_net)

die() { echo "build-guest: error: $*" >&2; exit 1; }
now_ms() { date +%s%3N; }
T0=$(now_ms)

if [[ "${1:-}" != "--force" && -s "$GUEST_DIR/vmlinuz" && -s "$GUEST_DIR/initramfs.cpio.gz" && -f "$STAMP" ]] &&
  grep -qx "recipe=$RECIPE_VERSION" "$STAMP"; then
  echo "build-guest: up to date in $GUEST_DIR ($(grep '^kernel=' "$STAMP" | cut -d= -f2))"
  exit 0
fi

need() { # tool, Debian package that provides it
  command -v "$1" >/dev/null 2>&1 || [[ -x "/sbin/$1" || -x "/usr/sbin/$1" ]] ||
    die "'$1' not found: install the Debian package '$2' (apt-get install $2)"
}
need apt-get apt
need apt-cache apt
need dpkg dpkg
need cpio cpio
need gzip gzip
need modinfo kmod
need loadkeys kbd
need perl perl-base
# Console keymaps for the layout tests (vmsig input type --layout): compiled from the xkb data
# itself by console-setup's ckbcomp, the same xkb layouts QEMU's keymaps were generated from
# (nodeadkeys variants), so € and the tilde/caret keys are what xkb says. `loadkeys -u -b`
# makes the binary, Unicode form busybox loadkmap loads (the guest's VT is in UTF-8 mode).
XKB=/usr/share/X11/xkb
[[ -d "$XKB/symbols" ]] || die "xkb layout data $XKB missing: install the Debian package 'xkb-data'"
declare -A CONSOLE_KEYMAPS=([en-us]="us" [de]="de nodeadkeys" [fr]="fr nodeadkeys")
BUSYBOX=""
for b in /bin/busybox /usr/bin/busybox; do
  if [[ -x "$b" ]] && "$b" --list 2>/dev/null | grep -qx acpid && ! ldd "$b" >/dev/null 2>&1; then BUSYBOX="$b"; break; fi
done
[[ -n "$BUSYBOX" ]] || die "no static busybox found: install the Debian package 'busybox-static'"
MODINFO=$(command -v modinfo || echo /sbin/modinfo)

mkdir -p "$GUEST_DIR"
WORK=$(mktemp -d "$GUEST_DIR/.work.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# The meta-package names the current cloud kernel; fall back to the unsigned flavour.
KPKG=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
if [[ -z "$KPKG" ]]; then
  KPKG=$(apt-cache search --names-only '^linux-image-[0-9.-]+-cloud-amd64-unsigned$' | awk '{print $1}' | sort -V | tail -1)
fi
[[ -n "$KPKG" ]] || die "no Debian cloud kernel package found (linux-image-cloud-amd64): run apt-get update"

T1=$(now_ms)
(cd "$WORK" && apt-get download -q -o APT::Sandbox::User=root "$KPKG" >/dev/null) ||
  die "apt-get download $KPKG failed (no network to the Debian mirror, or stale lists: run apt-get update)"
T2=$(now_ms)
dpkg -x "$WORK"/"$KPKG"_*.deb "$WORK/k"
KVER=$(ls "$WORK/k/lib/modules" | head -1)
[[ -n "$KVER" && -f "$WORK/k/boot/vmlinuz-$KVER" ]] || die "package $KPKG holds no kernel image"
MODDIR="$WORK/k/lib/modules/$KVER"

# Resolve module dependencies with modinfo (the package ships no modules.dep) and keep a
# load order where every dependency precedes its user.
declare -A SEEN=()
ORDER=()
add_module() {
  local name=$1 file dep
  [[ -n "${SEEN[$name]:-}" ]] && return 0
  SEEN[$name]=1
  file=$(find "$MODDIR" -name "$name.ko*" -print -quit)
  if [[ -z "$file" ]]; then
    # Built into this kernel: nothing to load.
    grep -q "/$name.ko" "$MODDIR/modules.builtin" 2>/dev/null && return 0
    die "kernel module $name not found in $KPKG"
  fi
  for dep in $("$MODINFO" -F depends "$file" | tr ',' ' '); do add_module "$dep"; done
  ORDER+=("$file")
}
for m in "${WANT_MODULES[@]}"; do add_module "$m"; done

R="$WORK/root"
mkdir -p "$R"/{bin,sbin,dev,proc,sys,tmp,etc/acpi/PWRF,lib/modules}
cp "$BUSYBOX" "$R/bin/busybox"
mkdir -p "$R/etc/keymaps"
# ckbcomp is a perl script in console-setup: taken from the package, not installed (that would
# configure the host's own console).
(cd "$WORK" && apt-get download -q -o APT::Sandbox::User=root console-setup >/dev/null) ||
  die "apt-get download console-setup failed (no network to the Debian mirror, or stale lists: run apt-get update)"
dpkg -x "$WORK"/console-setup_*.deb "$WORK/cs"
for name in "${!CONSOLE_KEYMAPS[@]}"; do
  read -r layout variant <<<"${CONSOLE_KEYMAPS[$name]}"
  perl "$WORK/cs/usr/bin/ckbcomp" -layout "$layout" ${variant:+-variant "$variant"} 2>/dev/null >"$WORK/$name.map" &&
    loadkeys -u -b "$WORK/$name.map" >"$R/etc/keymaps/$name.bmap" 2>/dev/null ||
    die "compiling the $name console keymap (ckbcomp ${CONSOLE_KEYMAPS[$name]} | loadkeys -u -b) failed"
done
for f in "${ORDER[@]}"; do
  cp "$f" "$R/lib/modules/"
  basename "$f" >>"$R/lib/modules/load-order"
done

# busybox acpid runs ./PWRF/00000080 (relative to /etc/acpi) when the power button fires.
cat >"$R/etc/acpi/PWRF/00000080" <<'EOF'
#!/bin/sh
echo VMSIG-GUEST-POWERDOWN > /dev/ttyS0
exec /bin/busybox poweroff -f
EOF

cat >"$R/init" <<'EOF'
#!/bin/busybox sh
# vmsig test guest init: bring up devices, report on ttyS0, give tty1 a shell.
/bin/busybox --install -s /bin
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in $(cat /lib/modules/load-order); do insmod "/lib/modules/$m" 2>/dev/null; done
S=/dev/ttyS0

# Find an input event device by a substring of its name (devices appear asynchronously,
# later on a loaded host: wait up to 5 s).
find_event() {
  for i in $(seq 50); do
    for d in /sys/class/input/event*; do
      if grep -q "$1" "$d/device/name" 2>/dev/null; then echo "/dev/input/${d##*/}"; return 0; fi
    done
    sleep 0.1
  done
  return 1
}

# Pointer reporter: one "VMSIG-PTR sec.usec type code value" line per input event of the
# tablet (struct input_event; the %.0u fields swallow the always-zero high words).
PTR_FMT='"VMSIG-PTR " 1/4 "%u" 1/4 "%.0u" 1/4 ".%06u" 1/4 "%.0u" 1/2 " %u" 1/2 " %u" 1/4 " %d\n"'
PTR=$(find_event "Virtio Tablet")
if [ -n "$PTR" ]; then
  hexdump -v -e "$PTR_FMT" "$PTR" > $S 2>/dev/null &
fi

# Power button: busybox acpid reads the event devices present when it starts and runs
# /etc/acpi/PWRF/00000080, so the button's device must exist first.
find_event "Power Button" >/dev/null
chmod +x /etc/acpi/PWRF/00000080
acpid -c /etc/acpi -l /dev/null 2>/dev/null

# A NIC (a managed VM's `network`): QEMU's user-mode network has a fixed plan, so a static
# address is enough and no DHCP client has to wait for it.
if [ -e /sys/class/net/eth0 ]; then
  ip link set lo up
  ip link set eth0 up
  ip addr add 10.0.2.15/24 dev eth0
  ip route add default via 10.0.2.2
fi

# A respawning shell on the VGA console: keys typed on the PS/2 keyboard reach it.
( while true; do setsid sh -c 'exec sh -i </dev/tty1 >/dev/tty1 2>&1'; sleep 0.2; done ) &

echo "VMSIG-GUEST-READY kernel=$(uname -r) ptr=${PTR:-none}" > $S
while true; do sleep 3600; done
EOF
chmod +x "$R/init" "$R/etc/acpi/PWRF/00000080"

(cd "$R" && find . -print0 | cpio --null -o -H newc --quiet | gzip -6 >"$WORK/initramfs.cpio.gz")
cp "$WORK/k/boot/vmlinuz-$KVER" "$WORK/vmlinuz"
# Move into place last, stamp last of all, so an interrupted build is never taken as done.
rm -f "$STAMP"
mv "$WORK/vmlinuz" "$GUEST_DIR/vmlinuz"
mv "$WORK/initramfs.cpio.gz" "$GUEST_DIR/initramfs.cpio.gz"
printf 'recipe=%s\nkernel=%s\npackage=%s\nbuilt=%s\n' "$RECIPE_VERSION" "$KVER" "$KPKG" "$(date -u +%FT%TZ)" >"$STAMP"
T3=$(now_ms)
echo "build-guest: built $GUEST_DIR (kernel $KVER, modules: ${#ORDER[@]})"
echo "build-guest: timings: download $((T2 - T1)) ms, total $((T3 - T0)) ms"
