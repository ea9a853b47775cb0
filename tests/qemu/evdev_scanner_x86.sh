#!/bin/sh
# Runs tests/evdev_scanner.rs for real on this host's architecture (x86_64) in a booted Debian
# kernel with evdev and uinput loaded, where the build machine itself has no /dev/uinput.
# Needs: apt-get install qemu-system-x86 cpio; about 15 s under TCG. Usage: sh tests/qemu/evdev_scanner_x86.sh
set -eu
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bin=$(cargo test --test evdev_scanner --no-run --message-format=json 2>/dev/null |
    sed -n 's/.*"executable":"\([^"]*evdev_scanner-[^"]*\)".*/\1/p' | tail -1)
kernel=$(apt-cache depends linux-image-amd64 | sed -n 's/.*Depends: \(linux-image-.*\)/\1/p' | head -1)
(cd "$work" && apt-get download -qq "$kernel" busybox-static >/dev/null 2>&1)
for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$work/k"; done
r="$work/root"
mkdir -p "$r/bin" "$r/proc" "$r/sys" "$r/dev" "$r/tmp" "$r/lib64"
cp "$work/k/bin/busybox" "$r/bin/"
cp "$bin" "$r/bin/scantest"
find "$work/k/lib/modules" -name evdev.ko -o -name uinput.ko | xargs -I{} cp {} "$r/"
for lib in $(ldd "$bin" | grep -o '/lib[^ ]*'); do mkdir -p "$r$(dirname "$lib")"; cp -L "$lib" "$r$lib"; done
cat > "$r/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
insmod /evdev.ko; insmod /uinput.ko
cd /tmp && /bin/scantest --nocapture 2>&1
echo "scantest exit=$?"
poweroff -f
INIT
chmod +x "$r/init"
(cd "$r" && find . | cpio -o -H newc 2>/dev/null | gzip -1 >"$work/initrd.gz")
qemu-system-x86_64 -m 512 -smp 2 -nographic -no-reboot -kernel "$work"/k/boot/vmlinuz-* \
    -initrd "$work/initrd.gz" -append "console=ttyS0 quiet panic=-1" 2>&1 | tee "$work/out" | grep -E "^test |exit=|skipped"
grep -q "scantest exit=0" "$work/out" && ! grep -q "skipped" "$work/out" && ! grep -q "Failed to ungrab" "$work/out"
