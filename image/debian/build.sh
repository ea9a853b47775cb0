#!/bin/sh
# The Raspberry Pi SD-card image from Debian arm64 (or armhf) packages, built without root privileges
# (make image, make image-armhf).
# Usage: [TILL_DEBIAN_SUITE=trixie|bookworm] [TILL_IMAGE_ARCH=arm64|armhf] image/debian/build.sh TILL_BINARY OUT_DIR
# The suite is Debian 13 trixie unless TILL_DEBIAN_SUITE says otherwise (bookworm: Debian 12, the
# fallback); see image/README.md, "Which Debian, which boards". The architecture is arm64 (Pi 3/4/400,
# Zero 2 W in 64-bit mode, the till of make aarch64) unless TILL_IMAGE_ARCH=armhf (Pi 2, Pi 3 / Zero 2 W
# in 32-bit mode, the till of make armhf): the same scripts and lists, another kernel package and
# config.txt without arm_64bit (image/README.md, "The armhf SD image"). ARCH below stands for it.
#
#   OUT_DIR/till-rpi-ARCH.img       MBR: 1 boot (FAT32: Pi firmware, kernel, initramfs, device trees,
#                                   config.txt, cmdline.txt), 2 root (ext4, mounted read-only),
#                                   3 data (ext4 at /data: /var/lib/till and the few writable files)
#   OUT_DIR/till-rpi-ARCH.img.xz    the same, compressed (what a technician downloads)
#   OUT_DIR/parts/                  the kernel and the initramfs apart (make image-qemu boots them
#                                   with the image as its disk)
#   OUT_DIR/sizes.txt               what takes the space (image/README.md)
#   OUT_DIR/debs/                   every .deb downloaded, reused by the next run
#
# The root file system comes from mmdebstrap's `extract` variant (packages unpacked, no maintainer
# script run, so no emulator is needed; that variant runs extract hooks, not customize hooks); assemble.sh then does, under fakeroot, what the maintainer
# scripts would have done that matters here, and makes the file systems.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
till=$(realpath "$1")
mkdir -p "$2"
out=$(realpath "$2")
suite=${TILL_DEBIAN_SUITE:-trixie}
arch=${TILL_IMAGE_ARCH:-arm64}
# Debian's kernel for the boards: arm64's generic one; for armhf the LPAE one (ARMv7 with LPAE: the
# Pi 2's Cortex-A7 and the Pi 3's Cortex-A53 in 32-bit mode, not the ARMv6 Pi 1/Zero).
case $arch in
arm64) kernel_meta=linux-image-arm64 ;;
armhf) kernel_meta=linux-image-armmp-lpae ;;
*) echo "image: TILL_IMAGE_ARCH=$arch: arm64 or armhf"; exit 1 ;;
esac
components="main non-free-firmware"
mirror=http://deb.debian.org/debian
security=http://deb.debian.org/debian-security
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
debs=$out/debs
work=$out/work
mkdir -p "$debs" "$out/parts"
rm -rf "$work"
mkdir -p "$work"
started=$(date +%s)
say() { echo "image: $* ($(($(date +%s) - started)) s)"; }

# 1. The boot partition's packages (kernel, Pi firmware, busybox for the initramfs) through a private
#    apt configuration: ARCH only, an empty dpkg status, its own lists and cache.
apt=$out/apt
mkdir -p "$apt/lists/partial" "$apt/archives/partial" "$apt/etc/apt.conf.d" "$apt/etc/preferences.d"
: >"$apt/status"
cat >"$apt/etc/sources.list" <<EOF
deb [signed-by=$keyring] $mirror $suite $components
deb [signed-by=$keyring] $mirror $suite-updates $components
deb [signed-by=$keyring] $security $suite-security $components
EOF
cat >"$apt/apt.conf" <<EOF
Dir::Etc "$apt/etc/";
Dir::Etc::SourceList "$apt/etc/sources.list";
Dir::Etc::SourceParts "$apt/etc/sources.list.d/";
Dir::State "$apt/";
Dir::State::Lists "$apt/lists/";
Dir::State::status "$apt/status";
Dir::Cache "$apt/";
Dir::Cache::archives "$debs/";
APT::Architecture "$arch";
APT::Architectures "$arch";
Acquire::Languages "none";
EOF
# As root, apt would drop to _apt, which cannot write into a developer's tree.
[ "$(id -u)" != 0 ] || echo 'APT::Sandbox::User "root";' >>"$apt/apt.conf"
export APT_CONFIG="$apt/apt.conf"
apt-get update -qq
kernel=$(apt-cache depends $kernel_meta | sed -n 's/.*Depends: \(linux-image-[0-9][^ ]*\).*/\1/p' | head -1)
[ -n "$kernel" ] || { echo "image: no $arch kernel ($kernel_meta) in $suite"; exit 1; }
boot_pkgs="$kernel raspi-firmware busybox-static"
for p in $boot_pkgs; do
    v=$(apt-cache policy "$p" | sed -n 's/ *Candidate: //p' | sed 's/:/%3a/')
    ls "$debs/${p}_${v}_"*.deb >/dev/null 2>&1 || (cd "$debs" && apt-get download -qq "$p")
done
unset APT_CONFIG
say "boot packages: $boot_pkgs"

# 2. The root file system's packages, unpacked into a tarball (ownership kept whatever the mode:
#    root here, a user namespace or fakechroot for a developer without root).
pkgs=$(sed -e 's/#.*//' "$here/packages.txt" | tr -s ' \n' ',' | sed 's/^,//; s/,$//')
mmdebstrap --variant=extract --architectures="$arch" --components="$components" --include="$pkgs" \
    --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
    --skip=download/empty --skip=cleanup/apt/cache \
    --setup-hook='mkdir -p "$1"/var/cache/apt/archives' \
    --setup-hook="sync-in $debs /var/cache/apt/archives" \
    --extract-hook="sync-out /var/cache/apt/archives $debs" \
    --extract-hook='rm -f "$1"/var/cache/apt/archives/*.deb' \
    --quiet "$suite" "$work/rootfs.tar" \
    "deb $mirror $suite $components" "deb $mirror $suite-updates $components" \
    "deb $security $suite-security $components"
say "root packages unpacked"

# The packages in the image, for the manifest and the drop list (name version from each .deb).
: >"$work/debs.txt"
for deb in "$debs"/*.deb; do
    dpkg-deb -f "$deb" Package Version Architecture | tr '\n' ' ' | awk -v f="$deb" '{print $2, $4, $6, f}' >>"$work/debs.txt"
done

fakeroot -- sh "$here/assemble.sh" "$repo" "$till" "$out" "$kernel" "$arch"
say "file systems made"

# 3. The disk: MBR, 4 MiB before the first partition (the Pi's firmware reads partition 1 as FAT).
img=$out/till-rpi-$arch.img
p1=$out/parts/boot.vfat
p2=$out/parts/root.ext4
p3=$out/parts/data.ext4
mib() { echo $(($(stat -c %s "$1") / 1048576)); }
s1=4
s2=$((s1 + $(mib "$p1")))
s3=$((s2 + $(mib "$p2")))
total=$((s3 + $(mib "$p3")))
rm -f "$img"
truncate -s "${total}M" "$img"
sfdisk -q "$img" <<EOF
label: dos
label-id: 0x7111ca5e
${s1}MiB,$(mib "$p1")MiB,c,*
${s2}MiB,$(mib "$p2")MiB,83
${s3}MiB,,83
EOF
dd if="$p1" of="$img" bs=1M seek=$s1 conv=notrunc,sparse status=none
dd if="$p2" of="$img" bs=1M seek=$s2 conv=notrunc,sparse status=none
dd if="$p3" of="$img" bs=1M seek=$s3 conv=notrunc,sparse status=none
say "$img: $total MiB"
rm -f "$p1" "$p2" "$p3"
# -3: 42 MiB in 1–2 min on 2 cores (-6 took 8 min on the same, busy, machine).
xz -T2 -3 -k -f "$img"
say "$img.xz: $(($(stat -c %s "$img.xz") / 1024)) KiB"
rm -rf "$work"
