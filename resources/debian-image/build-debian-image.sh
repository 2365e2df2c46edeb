#!/usr/bin/env bash
# Builds a bootable Debian 12 disk image (systemd, getty on tty1 and ttyS0, root password
# "vmsig", its own GRUB for BIOS and UEFI) and a small GRUB rescue ISO, into
# ${XDG_CACHE_HOME:-$HOME/.cache}/vmsig/debian12/. No loop device and no mount: the root
# file system is made from a directory by `mke2fs -d`, the ESP by mtools, and the image is
# assembled with dd. Needs root (mmdebstrap's root mode). Does nothing when up to date.
#
# Usage: build-debian-image.sh [--force]     (VMSIG_DEBIAN_DIR overrides the directory)
set -euo pipefail

# Bump when the recipe changes so cached images are rebuilt once.
RECIPE_VERSION=1
OUT="${VMSIG_DEBIAN_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/vmsig/debian12}"
STAMP="$OUT/stamp"
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT_LABEL=vmsig-root
DISK_MIB=1536
ESP_MIB=32

die() { echo "build-debian-image: error: $*" >&2; exit 1; }
now_ms() { date +%s%3N; }
T0=$(now_ms)

if [[ "${1:-}" != "--force" && -s "$OUT/disk.raw" && -s "$OUT/menu.iso" && -f "$STAMP" ]] &&
  grep -qx "recipe=$RECIPE_VERSION" "$STAMP"; then
  echo "build-debian-image: up to date in $OUT"
  exit 0
fi

[[ "$(id -u)" -eq 0 ]] || die "run as root (mmdebstrap builds the root file system in root mode)"
need() { # tool, Debian package that provides it
  command -v "$1" >/dev/null 2>&1 || [[ -x "/sbin/$1" || -x "/usr/sbin/$1" ]] ||
    die "'$1' not found: install the Debian package '$2' (apt-get install $2)"
}
need mmdebstrap mmdebstrap
need mke2fs e2fsprogs
need sfdisk fdisk
need mkfs.vfat dosfstools
need mcopy mtools
need grub-mkimage grub-common
need grub-mkstandalone grub-common
need grub-mkrescue grub-common
need xorriso xorriso
[[ -f /usr/lib/grub/i386-pc/boot.img ]] || die "GRUB for BIOS missing: apt-get install grub-pc-bin"
[[ -d /usr/lib/grub/x86_64-efi ]] || die "GRUB for UEFI missing: apt-get install grub-efi-amd64-bin"

mkdir -p "$OUT"
WORK=$(mktemp -d "$OUT/.work.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
R="$WORK/root"

T1=$(now_ms)
# minbase keeps the image small; systemd-sysv makes systemd PID 1, dbus lets logind act on
# the ACPI power button (system_powerdown), the standard kernel has VGA/EFI framebuffers.
mmdebstrap --variant=minbase --mode=root \
  --include=systemd-sysv,udev,dbus,linux-image-amd64,initramfs-tools,procps \
  --customize-hook='echo "root:vmsig" | chroot "$1" chpasswd' \
  --customize-hook='echo vmsig-debian >"$1/etc/hostname"' \
  --customize-hook="echo 'LABEL=$ROOT_LABEL / ext4 defaults 0 1' >\"\$1/etc/fstab\"" \
  --customize-hook='mkdir -p "$1/etc/systemd/system/getty.target.wants" && ln -sf /lib/systemd/system/serial-getty@.service "$1/etc/systemd/system/getty.target.wants/serial-getty@ttyS0.service"' \
  --customize-hook='rm -rf "$1/var/cache/apt/"*.bin "$1/var/lib/apt/lists/"*' \
  bookworm "$R" >"$WORK/mmdebstrap.log" 2>&1 ||
  die "mmdebstrap failed (needs Debian's apt mirror): $(tail -5 "$WORK/mmdebstrap.log")"
T2=$(now_ms)
KERNEL=$(cd "$R/boot" && ls vmlinuz-* | sort -V | tail -1)
INITRD=initrd.img-${KERNEL#vmlinuz-}
[[ -f "$R/boot/$INITRD" ]] || die "no initramfs for $KERNEL in the root file system"
mkdir -p "$R/boot/grub"
sed -e "s/@KERNEL@/$KERNEL/" -e "s/@INITRD@/$INITRD/" -e "s/@LABEL@/$ROOT_LABEL/" \
  "$HERE/grub.cfg.in" >"$R/boot/grub/grub.cfg"

# The early config both GRUBs carry: find the root file system by label, then its grub.cfg.
cat >"$WORK/early.cfg" <<EOF
search --no-floppy --label $ROOT_LABEL --set root
set prefix=(\$root)/boot/grub
configfile (\$root)/boot/grub/grub.cfg
EOF

# Layout (MBR): sectors 1..2047 hold GRUB's BIOS core image; p1 the ESP; p2 the root.
ESP_START=2048
ESP_SECTORS=$((ESP_MIB * 2048))
ROOT_START=$((ESP_START + ESP_SECTORS))
ROOT_SECTORS=$((DISK_MIB * 2048 - ROOT_START))
truncate -s "${DISK_MIB}M" "$WORK/disk.raw"
printf 'label: dos\nlabel-id: 0x766d7369\n%s,%s,ef\n%s,%s,83,*\n' \
  "$ESP_START" "$ESP_SECTORS" "$ROOT_START" "$ROOT_SECTORS" | sfdisk -q "$WORK/disk.raw"

mke2fs -q -t ext4 -L "$ROOT_LABEL" -d "$R" -E offset=$((ROOT_START * 512)) \
  "$WORK/disk.raw" "$((ROOT_SECTORS / 2))k" || die "mke2fs -d failed"

GRUB_MODS="part_msdos ext2 fat search search_label normal linux configfile echo serial terminal test gzio all_video"
grub-mkstandalone -O x86_64-efi --modules="$GRUB_MODS" -o "$WORK/BOOTX64.EFI" \
  "boot/grub/grub.cfg=$WORK/early.cfg"
mkfs.vfat -C -n VMSIG-ESP "$WORK/esp.img" $((ESP_MIB * 1024)) >/dev/null
mmd -i "$WORK/esp.img" ::/EFI ::/EFI/BOOT
mcopy -i "$WORK/esp.img" "$WORK/BOOTX64.EFI" ::/EFI/BOOT/BOOTX64.EFI
dd if="$WORK/esp.img" of="$WORK/disk.raw" bs=512 seek="$ESP_START" conv=notrunc status=none

# BIOS: boot.img in the MBR (keeping the partition table), core.img from sector 1. What
# grub-install would patch: boot.img's core sector (0x5c) is already 1; diskboot's
# blocklist (last 12 bytes of core.img's first sector) must count the remaining sectors.
grub-mkimage -O i386-pc -p /boot/grub -c "$WORK/early.cfg" -o "$WORK/core.img" biosdisk $GRUB_MODS
CORE_SECTORS=$(( ($(stat -c %s "$WORK/core.img") + 511) / 512 ))
((CORE_SECTORS < ESP_START)) || die "GRUB core image too large ($CORE_SECTORS sectors)"
dd if=/usr/lib/grub/i386-pc/boot.img of="$WORK/disk.raw" bs=440 count=1 conv=notrunc status=none
printf "$(printf '\\x%02x\\x%02x' $(((CORE_SECTORS - 1) & 255)) $(((CORE_SECTORS - 1) >> 8)))" |
  dd of="$WORK/core.img" bs=1 seek=$((512 - 4)) conv=notrunc status=none
dd if="$WORK/core.img" of="$WORK/disk.raw" bs=512 seek=1 conv=notrunc status=none
T3=$(now_ms)

# The ISO: GRUB's menu (BIOS and UEFI) around the tiny guest's kernel, for keyboard tests.
GUEST="${VMSIG_GUEST_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/vmsig/guest}"
[[ -s "$GUEST/vmlinuz" ]] || bash "$HERE/../guest/build-guest.sh"
mkdir -p "$WORK/iso/boot/grub"
cp "$GUEST/vmlinuz" "$GUEST/initramfs.cpio.gz" "$WORK/iso/boot/"
cp "$HERE/iso-grub.cfg" "$WORK/iso/boot/grub/grub.cfg"
grub-mkrescue -o "$WORK/menu.iso" "$WORK/iso" >"$WORK/mkrescue.log" 2>&1 ||
  die "grub-mkrescue failed: $(tail -3 "$WORK/mkrescue.log")"
T4=$(now_ms)

rm -f "$STAMP"
mv "$WORK/disk.raw" "$OUT/disk.raw"
mv "$WORK/menu.iso" "$OUT/menu.iso"
printf 'recipe=%s\nkernel=%s\nbuilt=%s\n' "$RECIPE_VERSION" "${KERNEL#vmlinuz-}" "$(date -u +%FT%TZ)" >"$STAMP"
echo "build-debian-image: built $OUT/disk.raw (kernel ${KERNEL#vmlinuz-}) and $OUT/menu.iso"
echo "build-debian-image: timings: mmdebstrap $((T2 - T1)) ms, disk $((T3 - T2)) ms, iso $((T4 - T3)) ms, total $((T4 - T0)) ms"
