#!/bin/sh
# The QEMU-arm end-to-end test (make test-qemu): assembles an initramfs with the aarch64 till,
# tests/qemu/till.toml, tests/qemu/init and systemd/till-boot-slot on Debian's arm64 kernel and
# busybox (apt-get download, kept in target/qemu-arm/), then runs tests/qemu_arm.rs, which boots it
# and plays the shop, then upgrades the till and rolls a broken version back.
# Usage: sh tests/qemu/run_arm.sh path/to/aarch64/till   (make test-qemu builds that first)
# TILL_QEMU_KIT_ONLY=1 builds the kit and stops (make bench boots it itself).
set -eu
cd "$(dirname "$0")/../.."
till=$(realpath "$1")
kit=$PWD/target/qemu-arm
mkdir -p "$kit/debs"
kernel=$(apt-cache depends linux-image-arm64:arm64 | sed -n 's/.*Depends: \(linux-image-[^:]*\).*/\1/p' | head -1)
[ -n "$kernel" ] || { echo "run_arm.sh: no arm64 kernel in apt's lists (dpkg --add-architecture arm64; apt-get update)"; exit 1; }
if ! ls "$kit/debs/$kernel"_*.deb >/dev/null 2>&1; then
    (cd "$kit/debs" && rm -f ./*.deb && apt-get download -qq "$kernel:arm64" busybox-static:arm64)
fi
rm -rf "$kit/k" "$kit/root"
for deb in "$kit"/debs/*.deb; do dpkg-deb -x "$deb" "$kit/k"; done
r=$kit/root
mkdir -p "$r/bin" "$r/usr/bin" "$r/lib/modules" "$r/etc/till" "$r/proc" "$r/sys" "$r/dev" "$r/tmp"
cp "$kit/k/bin/busybox" "$r/bin/"
cp tests/qemu/init "$r/init" && chmod +x "$r/init"
cp tests/qemu/till.toml "$r/etc/till/till.toml"
cp "$till" "$r/usr/bin/till"
mkdir -p "$r/usr/libexec/till"
cp systemd/till-boot-slot "$r/usr/libexec/till/"
# The till's shared libraries (and theirs) from the cross libc.
libs=$(aarch64-linux-gnu-readelf -d "$till" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p')
interp=$(aarch64-linux-gnu-readelf -l "$till" | sed -n 's/.*interpreter: \(.*\)\]/\1/p')
mkdir -p "$r$(dirname "$interp")"
cp -L "/usr/aarch64-linux-gnu/lib/$(basename "$interp")" "$r$interp"
for l in $libs; do cp -L "/usr/aarch64-linux-gnu/lib/$l" "$r/lib/"; done
# Modules after their dependencies (read from each module's .modinfo: no depmod needed).
moddir=$(echo "$kit"/k/lib/modules/*)
: >"$r/lib/modules/order"
add_module() {
    grep -qx "$1" "$r/lib/modules/order" && return 0
    ko=$(find "$moddir" -name "$1.ko" -o -name "$1.ko.xz" | head -1)
    [ -n "$ko" ] || return 0 # built into the kernel
    case $ko in
    *.xz) xz -dc "$ko" >"$r/lib/modules/$1.ko" ;;
    *) cp "$ko" "$r/lib/modules/$1.ko" ;;
    esac
    deps=$(aarch64-linux-gnu-objcopy -O binary --only-section=.modinfo "$r/lib/modules/$1.ko" /dev/stdout |
        tr '\0' '\n' | sed -n 's/^depends=//p' | tr ',' ' ')
    for d in $deps; do add_module "$(echo "$d" | tr - _)"; done
    echo "$1" >>"$r/lib/modules/order"
}
for m in virtio_mmio virtio_input evdev virtio_console failover net_failover virtio_net virtio_blk crc32c_generic ext4; do
    add_module $m
done
(cd "$r" && find . | cpio -o -H newc --quiet | gzip -1 >"$kit/initrd.gz")
cp "$kit"/k/boot/vmlinuz-* "$kit/vmlinuz"
echo "run_arm.sh: kernel $kernel, modules: $(tr '\n' ' ' <"$r/lib/modules/order"), initrd $(du -k "$kit/initrd.gz" | cut -f1) KiB"
[ -z "${TILL_QEMU_KIT_ONLY:-}" ] || exit 0
TILL_QEMU_ARM_KIT=$kit cargo test --locked --test qemu_arm -- --nocapture
