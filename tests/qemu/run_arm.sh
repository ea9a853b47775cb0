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
# add_module NAME: into $into/lib/modules, listed in $into/lib/modules/$list unless $r has it already.
add_module() {
    grep -qx "$1" "$r/lib/modules/order" "$into/lib/modules/$list" 2>/dev/null && return 0
    ko=$(find "$moddir" -name "$1.ko" -o -name "$1.ko.xz" | head -1)
    [ -n "$ko" ] || return 0 # built into the kernel
    case $ko in
    *.xz) xz -dc "$ko" >"$into/lib/modules/$1.ko" ;;
    *) cp "$ko" "$into/lib/modules/$1.ko" ;;
    esac
    deps=$(aarch64-linux-gnu-objcopy -O binary --only-section=.modinfo "$into/lib/modules/$1.ko" /dev/stdout |
        tr '\0' '\n' | sed -n 's/^depends=//p' | tr ',' ' ')
    for d in $deps; do add_module "$(echo "$d" | tr - _)"; done
    echo "$1" >>"$into/lib/modules/$list"
}
into=$r list=order
: >"$r/lib/modules/order"
for m in virtio_mmio virtio_input evdev virtio_console failover net_failover virtio_net virtio_blk crc32c_generic ext4; do
    add_module $m
done
(cd "$r" && find . | cpio -o -H newc --quiet | gzip -1 >"$kit/initrd.gz")
cp "$kit"/k/boot/vmlinuz-* "$kit/vmlinuz"
echo "run_arm.sh: kernel $kernel, modules: $(tr '\n' ' ' <"$r/lib/modules/order"), initrd $(du -k "$kit/initrd.gz" | cut -f1) KiB"

# The Wi-Fi boot (tests/qemu_arm_wifi.rs) appends a second archive to the same initramfs (the kernel
# unpacks both): the simulated radios (mac80211_hwsim) and the WPA2 ciphers, hostapd as the shop's
# access point, wpa_supplicant and wpa_cli with their libraries (Debian's arm64 packages), and
# tests/qemu/wifi.sh, which init runs when it is there.
wifi_debs="wpasupplicant hostapd libnl-3-200 libnl-genl-3-200 libnl-route-3-200 libssl3 libdbus-1-3
    libsystemd0 libpcsclite1 libreadline8 libtinfo6 libcap2 libgcrypt20 libgpg-error0 liblz4-1 liblzma5 libzstd1"
mkdir -p "$kit/debs-wifi"
if ! ls "$kit"/debs-wifi/wpasupplicant_*.deb >/dev/null 2>&1; then
    # shellcheck disable=SC2046
    (cd "$kit/debs-wifi" && rm -f ./*.deb && apt-get download -qq $(for p in $wifi_debs; do echo "$p:arm64"; done))
fi
rm -rf "$kit/w" "$kit/wifi"
for deb in "$kit"/debs-wifi/*.deb; do dpkg-deb -x "$deb" "$kit/w"; done
w=$kit/wifi
mkdir -p "$w/usr/sbin" "$w/lib/modules" "$w/etc/till"
for p in wpa_supplicant wpa_cli hostapd; do
    bin=$(find "$kit/w" -type f -path "*/sbin/$p" | head -1)
    [ -n "$bin" ] || { echo "run_arm.sh: no $p in the Wi-Fi packages"; exit 1; }
    cp "$bin" "$w/usr/sbin/"
done
cp tests/qemu/hostapd.conf "$w/etc/hostapd.conf"
cp tests/qemu/wifi.sh "$w/etc/till/wifi.sh"
# Their libraries and those libraries' own, except what the base initramfs has.
need=$(for b in "$w"/usr/sbin/*; do aarch64-linux-gnu-readelf -d "$b"; done | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p')
while [ -n "$need" ]; do
    next=""
    for l in $need; do
        [ -e "$r/lib/$l" ] || [ -e "$w/lib/$l" ] && continue
        src=$(find "$kit/w" /usr/aarch64-linux-gnu/lib -name "$l" | head -1)
        [ -n "$src" ] || { echo "run_arm.sh: $l not found for the Wi-Fi programs"; exit 1; }
        cp -L "$src" "$w/lib/$l"
        next="$next $(aarch64-linux-gnu-readelf -d "$w/lib/$l" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p')"
    done
    need=$next
done
into=$w list=wifi-order
for m in ctr ccm cmac mac80211_hwsim; do
    add_module $m
done
(cd "$w" && find . | cpio -o -H newc --quiet | gzip -1 >"$kit/wifi.cpio.gz")
cat "$kit/initrd.gz" "$kit/wifi.cpio.gz" >"$kit/initrd-wifi.gz"
echo "run_arm.sh: Wi-Fi archive: $(ls "$w/usr/sbin" | tr '\n' ' ')+ $(find "$w/lib" -maxdepth 1 -name '*.so*' | wc -l) libraries, modules: $(tr '\n' ' ' <"$w/lib/modules/wifi-order"), $(du -k "$kit/wifi.cpio.gz" | cut -f1) KiB"
[ -z "${TILL_QEMU_KIT_ONLY:-}" ] || exit 0
TILL_QEMU_ARM_KIT=$kit cargo test --locked --test qemu_arm --test qemu_arm_wifi --test qemu_arm_disk -- --ignored --nocapture
