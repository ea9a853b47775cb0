#!/bin/bash
# The 32-bit ARM till run for real (make test-armhf): a whole 32-bit ARM machine under
# qemu-system-arm (-M virt, the Cortex-A7 of a Raspberry Pi 2), booting Debian's armhf kernel with an
# initramfs holding busybox, the armhf till and the glibc it was linked against (libc6-armhf-cross,
# Debian bookworm's armhf glibc), as a 32-bit Pi's Debian runs it. The guest's serial console is this
# script's line to the till:
# 1. the file is a stripped 32-bit ARM EABI5 hard-float program;
# 2. `till --version` in the guest says the version of Cargo.toml;
# 3. `till demo --headless` on a fresh data directory sells 2 colas and a noodle (11.50) through
#    the built-in Cloud Pay simulator: threads, the redb store, the HTTP client, signing, the receipt;
# 4. `till export` and `till catalogue export` read that store back after the till has stopped:
#    the paid order under its number, and the demo catalogue.
# qemu-user is not used: Debian 12's qemu-arm cannot start a thread in a dynamically linked armhf
# program (pthread_create dies with SIGSEGV at 0x8; image/README.md, "32-bit boards"), which says nothing
# about a Pi; a whole emulated machine runs the real kernel's threads, as a Pi does.
# Usage: bash tests/qemu/run_armhf.sh path/to/armhf/till   (make test-armhf builds that first)
set -euo pipefail
cd "$(dirname "$0")/../.."
till=$(realpath "$1")
kit=$PWD/target/qemu-armhf
tmp=$(mktemp -d)
trap 'kill "${qemu_pid:-}" 2>/dev/null || true; rm -rf "$tmp"' EXIT
fail() {
    echo "test-armhf: FAIL: $*" >&2
    exit 1
}
ok() { echo "test-armhf: ok: $*"; }

desc=$(file -b "$till")
case $desc in
*"not stripped"*) fail "not stripped: $desc" ;;
"ELF 32-bit LSB "*", ARM, EABI5 "*"/lib/ld-linux-armhf.so.3"*", stripped"*) ok "$desc" ;;
*) fail "not a stripped 32-bit ARM EABI5 hard-float program: $desc" ;;
esac

# Debian's armhf kernel (the LPAE flavour, as for a Pi 2/3 in 32 bits) and busybox, kept in the kit.
mkdir -p "$kit/debs"
kernel=$(apt-cache depends linux-image-armmp-lpae:armhf | sed -n 's/.*Depends: \(linux-image-[^:]*\).*/\1/p' | head -1)
[ -n "$kernel" ] || fail "no armhf kernel in apt's lists (dpkg --add-architecture armhf; apt-get update)"
if ! ls "$kit/debs/$kernel"_*.deb >/dev/null 2>&1; then
    (cd "$kit/debs" && rm -f ./*.deb && apt-get download -qq "$kernel:armhf" busybox-static:armhf)
fi
rm -rf "$kit/k" "$kit/root"
for deb in "$kit"/debs/*.deb; do dpkg-deb -x "$deb" "$kit/k"; done
r=$kit/root
mkdir -p "$r/bin" "$r/usr/bin" "$r/lib/modules" "$r/etc/till" "$r/proc" "$r/sys" "$r/dev" "$r/tmp"
cp "$kit/k/bin/busybox" "$r/bin/"
cp "$till" "$r/usr/bin/till"
# The store read back by the CLI through a config naming the demo's data directory.
sed 's|^data_dir = .*|data_dir = "/var/lib/till"|' tests/qemu/till.toml >"$r/etc/till/till.toml"
# The till's shared libraries (and theirs) from the cross libc, and its program interpreter.
libs=$(arm-linux-gnueabihf-readelf -d "$till" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p')
interp=$(arm-linux-gnueabihf-readelf -l "$till" | sed -n 's/.*interpreter: \(.*\)\]/\1/p')
mkdir -p "$r$(dirname "$interp")"
cp -L "/usr/arm-linux-gnueabihf/lib/$(basename "$interp")" "$r$interp"
for l in $libs; do cp -L "/usr/arm-linux-gnueabihf/lib/$l" "$r/lib/"; done
cat >"$r/init" <<'EOF'
#!/bin/busybox sh
# /init of the armhf test: the till's checks on the serial console, then power off.
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
dmesg -n 1
mkdir -p /var/lib/till /tmp
ip link set lo up
# The console carries JSON lines both ways: no echo, no line-ending translation.
stty raw -echo </dev/console
export HOME=/tmp TERM=dumb TILL_LOG=info
echo "till-armhf: kernel $(uname -r) $(uname -m), cpu $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)"
echo "till-armhf: version: $(/usr/bin/till --version 2>&1)"
/usr/bin/till demo --headless --lang en --data-dir /var/lib/till 2>/tmp/stderr
echo "till-armhf: demo exited $?"
tail -5 /tmp/stderr | sed 's/^/till-armhf: log: /'
/usr/bin/till export --config /etc/till/till.toml 2>&1 | sed 's/^/till-armhf: export: /'
/usr/bin/till catalogue export --config /etc/till/till.toml 2>&1 | sed 's/^/till-armhf: catalogue: /'
echo "till-armhf: done"
poweroff -f
EOF
chmod +x "$r/init"
(cd "$r" && find . | cpio -o -H newc --quiet | gzip -1 >"$kit/initrd.gz")
cp "$kit"/k/boot/vmlinuz-* "$kit/vmlinuz"
ok "kernel $kernel, initrd $(du -k "$kit/initrd.gz" | cut -f1) KiB"

# The machine: the serial console is the coprocess's standard input and output.
coproc TILL {
    exec qemu-system-arm -M virt -cpu cortex-a7 -smp 2 -m 512 -display none -monitor none -no-reboot \
        -nic none -kernel "$kit/vmlinuz" -initrd "$kit/initrd.gz" \
        -append "console=ttyAMA0 quiet loglevel=1 panic=-1" \
        -chardev "stdio,id=con,signal=off,logfile=$tmp/console.log" -serial chardev:con 2>"$tmp/qemu.err"
}
qemu_pid=$TILL_PID
send() { printf '%s\n' "$1" >&"${TILL[1]}"; }
# await WHAT TEXT...: reads the console until a line contains every TEXT (none for 120 s: fails).
await() {
    local what=$1 line t
    shift
    while IFS= read -r -t 120 line <&"${TILL[0]}"; do
        line=${line%$'\r'}
        for t in "$@"; do
            case $line in *"$t"*) ;; *) continue 2 ;; esac
        done
        seen=$line
        return 0
    done
    fail "the till never showed $what; the console's last lines: $(tail -c 1500 "$tmp/console.log") $(cat "$tmp/qemu.err")"
}
await "the kernel's start" 'till-armhf: kernel'
ok "${seen#till-armhf: }"
await "its version" 'till-armhf: version:'
want="till $(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)"
[ "${seen#till-armhf: version: }" = "$want" ] || fail "till --version said '${seen#till-armhf: version: }', not '$want'"
ok "till --version in the armhf guest: $want"

# A sale, headless: one JSON message per line in, one observation per line out.
await "the sale screen" '"screen":"Sale"' '"signed_in":"01"'
send '{"Scan":"6900138600889"}'
send '{"Scan":"6900138600889"}'
send '{"Scan":"6920152400777"}'
await "three items, 11.50" '"total":1150'
send '{"Key":"Enter"}'
await "the tender screen" '"screen":{"Pay":{"cash_entry":false}}'
send '{"Scan":"134680423163089456"}'
await "the sale paid" '"screen":{"Done":' '"sale_status":"Paid"'
number=$(printf '%s\n' "$seen" | sed -n 's/.*"number":"\([0-9]*\)".*/\1/p')
[ -n "$number" ] || fail "no order number in $seen"
ok "a sale of 11.50 paid through the simulator, order $number"
send quit
await "the till's exit" 'till-armhf: demo exited'
[ "$seen" = "till-armhf: demo exited 0" ] || fail "$seen: $(grep 'till-armhf: log' "$tmp/console.log")"

# The store read back by the CLI after the till stopped.
await "the export" 'till-armhf: export: ' "$number"
ok "till export has order $number"
await "the catalogue export" 'till-armhf: catalogue: 6900138600889,'
ok "till catalogue export: ${seen#till-armhf: catalogue: }"
await "the end" 'till-armhf: done'
wait "$qemu_pid" || fail "qemu-system-arm exited with status $?: $(cat "$tmp/qemu.err")"
echo "test-armhf: the armhf till ran on an emulated 32-bit ARM machine: passed"
