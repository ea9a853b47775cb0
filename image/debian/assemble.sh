#!/bin/sh
# Run by build.sh under fakeroot (file ownership is recorded, not applied, and mkfs.ext4 -d reads it
# back): the root file system from mmdebstrap's tarball, the steps of the maintainer scripts that
# matter here, the till and its units, the kernel's modules, the initramfs, and the three file systems.
# Usage: fakeroot -- sh assemble.sh REPO TILL OUT KERNEL_PACKAGE ARCH (arm64 or armhf)
set -eu
repo=$1
till=$2
out=$3
kernel_pkg=$4
arch=$5
here=$repo/image/debian
work=$out/work
parts=$out/parts
r=$work/root
deb_of() { awk -v p="$1" '$1 == p { print $4; exit }' "$work/debs.txt"; }
list() { sed -e 's/#.*//' -e 's/[[:space:]]*$//' "$1" | grep -v '^$'; }

mkdir -p "$r"
tar -xpf "$work/rootfs.tar" -C "$r" --same-owner --numeric-owner
rm -rf "${r:?}"/dev/* "$r/var/cache/apt/archives"

# Packages only maintainer scripts would use: their files go (directories stay).
for p in $(list "$here/drop.txt"); do
    deb=$(deb_of "$p")
    [ -n "$deb" ] || continue
    dpkg-deb --fsys-tarfile "$deb" | tar -t | grep -v '/$' | while read -r f; do
        [ -L "$r/$f" ] || [ -f "$r/$f" ] && rm -f "$r/$f"
    done
done

# Documentation and data the till never reads (prune.txt), except keep.txt and what it links to.
keep=$work/keep
mkdir -p "$keep"
for g in $(list "$here/keep.txt"); do
    for f in "$r"/$g; do
        [ -e "$f" ] || continue
        (cd "$r" && cp -a --parents "${f#"$r"/}" "$keep/")
        if [ -L "$f" ]; then
            t=$(readlink -f "$f")
            (cd "$r" && cp -a --parents "${t#"$r"/}" "$keep/")
        fi
    done
done
for g in $(list "$here/prune.txt"); do
    for f in "$r"/$g; do
        [ -e "$f" ] || [ -L "$f" ] && rm -rf "$f"
    done
done
cp -a "$keep/." "$r/"

# The kernel: modules of modules.txt and everything they need; the image and device trees go to
# the boot partition.
k=$work/kernel
dpkg-deb -x "$(deb_of "$kernel_pkg")" "$k"
# trixie's kernel package puts its modules under usr/lib/modules (merged /usr), bookworm's under
# lib/modules: one place for both, where depmod -b looks.
if [ ! -d "$k/lib/modules" ]; then
    mkdir -p "$k/lib"
    mv "$k/usr/lib/modules" "$k/lib/modules"
fi
kver=$(ls "$k/lib/modules")
depmod -b "$k" "$kver"
awk -v kdir="kernel/" '
    FNR == NR { sub(/#.*/, ""); if (NF) { want[++n] = $1; initrd[n] = ($2 == "initrd") }; next }
    {
        mod = $1; sub(/:$/, "", mod)
        deps[mod] = ""
        for (i = 2; i <= NF; i++) deps[mod] = deps[mod] " " $i
        mods[++m] = mod
    }
    END {
        for (j = 1; j <= m; j++)
            for (i = 1; i <= n; i++)
                if (index(mods[j], kdir want[i]) == 1) {
                    print "all", mods[j]
                    c = split(deps[mods[j]], d, " ")
                    for (x = 1; x <= c; x++) print "all", d[x]
                    if (initrd[i]) {
                        # modules.dep lists a module before what it needs: load in reverse.
                        for (x = c; x >= 1; x--) print "initrd", d[x]
                        print "initrd", mods[j]
                    }
                }
    }' "$here/modules.txt" "$k/lib/modules/$kver/modules.dep" >"$work/modsel"
mdir=$r/usr/lib/modules/$kver
mkdir -p "$mdir"
awk '$1 == "all" { print $2 }' "$work/modsel" | sort -u | while read -r m; do
    mkdir -p "$mdir/$(dirname "$m")"
    cp "$k/lib/modules/$kver/$m" "$mdir/$m"
done
cp "$k/lib/modules/$kver"/modules.order "$k/lib/modules/$kver"/modules.builtin* "$mdir/"
depmod -b "$r" "$kver"

# The initramfs: busybox, the modules to reach the root file system, and /init.
i=$work/initramfs
mkdir -p "$i/bin" "$i/lib/modules" "$i/dev" "$i/proc" "$i/sys" "$i/newroot"
dpkg-deb -x "$(deb_of busybox-static)" "$work/busybox"
# bookworm's busybox-static has it in bin/, trixie's in usr/bin/.
for f in bin/busybox usr/bin/busybox; do [ ! -f "$work/busybox/$f" ] || cp "$work/busybox/$f" "$i/bin/"; done
cp "$here/initramfs-init" "$i/init"
chmod 755 "$i/init"
: >"$i/lib/modules/order"
# trixie's modules are xz-compressed (*.ko.xz): busybox's insmod takes them decompressed. The root
# file system keeps them compressed (kmod and the kernel read them so).
awk '$1 == "initrd" { print $2 }' "$work/modsel" | while read -r m; do
    name=$(basename "${m%.xz}" .ko)
    grep -qx "$name" "$i/lib/modules/order" && continue
    case $m in
    *.ko.xz) xz -dc "$k/lib/modules/$kver/$m" >"$i/lib/modules/$name.ko" ;;
    *) cp "$k/lib/modules/$kver/$m" "$i/lib/modules/$name.ko" ;;
    esac
    echo "$name" >>"$i/lib/modules/order"
done

b=$work/boot
mkdir -p "$b"
(cd "$i" && find . | sort | cpio -o -H newc --quiet -R 0:0 | gzip -9n >"$b/initrd.img")
cp "$k/boot/vmlinuz-$kver" "$b/vmlinuz"
# The Pis' device trees: in broadcom/ of the arm64 package, at the top of armhf's, which also has the
# ARMv6 Pi 1 / Zero (bcm2835) ones, boards its LPAE kernel cannot run on.
find "$k/usr/lib/linux-image-$kver" -name 'bcm2*-rpi-*.dtb' ! -name 'bcm2835-*' -exec cp {} "$b/" \;
dpkg-deb -x "$(deb_of raspi-firmware)" "$work/fw"
for f in bootcode.bin start.elf fixup.dat start4.elf fixup4.dat; do cp "$work/fw/usr/lib/raspi-firmware/$f" "$b/"; done
cp "$work/fw/usr/share/doc/raspi-firmware/copyright" "$b/LICENCE.raspi-firmware"
cp "$here/cmdline.txt" "$b/"
# A 32-bit system: the firmware starts the CPU in 32-bit mode (no arm_64bit=1), the kernel a zImage.
if [ "$arch" = arm64 ]; then cp "$here/config.txt" "$b/"; else grep -v '^arm_64bit=' "$here/config.txt" >"$b/config.txt"; fi
cp "$here/boot-README.txt" "$b/README.txt"
cp "$b/vmlinuz" "$b/initrd.img" "$parts/"

# The till, its units, rules and settings: the one copy in systemd/ and udev/.
install -D -m 755 "$till" "$r/usr/bin/till"
s=$repo/systemd
u=$r/usr/lib/systemd
for unit in till.service till-provision.service till-activate.service till-grow-data.service; do
    install -m 644 "$s/$unit" "$u/system/"
done
install -D -m 644 "$s/till.service.d/console.conf" "$u/system/till.service.d/console.conf"
install -D -m 644 "$s/till.preset" "$u/system-preset/80-till.preset"
install -D -m 644 "$s/till.sysusers" "$r/usr/lib/sysusers.d/till.conf"
install -D -m 644 "$s/till.tmpfiles" "$r/usr/lib/tmpfiles.d/till.conf"
install -D -m 755 "$s/till-console.sh" "$r/usr/libexec/till/till-console"
install -D -m 755 "$s/till-grow-data.sh" "$r/usr/libexec/till/till-grow-data"
install -D -m 755 "$s/till-boot-slot" "$r/usr/libexec/till/till-boot-slot"
# The few coreutils commands the scripts use, from busybox.
for c in cat cp date head ln ls mkdir mv readlink rm sleep sync tail touch; do
    [ -e "$r/usr/bin/$c" ] || ln -s busybox "$r/usr/bin/$c"
done
for d in network journald.conf.d logind.conf.d system.conf.d; do
    mkdir -p "$u/$d"
    install -m 644 "$s/$d"/* "$u/$d/"
done
install -D -m 644 "$repo/udev/70-till.rules" "$r/usr/lib/udev/rules.d/70-till.rules"
install -D -m 644 "$here/85-till-image.preset" "$u/system-preset/85-till-image.preset"

# What the maintainer scripts would have done: accounts (systemd-sysusers reads the image's
# sysusers.d), enabled units (presets), and the few files of a read-only root.
# systemd 257 (trixie) marks its service accounts `u!` (locked), which the host's systemd-sysusers 252
# (bookworm) skips as an unknown modifier: read as `u`, since every password is locked just below.
cat "$r"/usr/lib/sysusers.d/*.conf | sed 's/^u!/u/' | systemd-sysusers --root="$r" -
# Nobody logs in: no passwords at all.
sed -i 's/^\([^:]*\):[^:]*:/\1:!*:/' "$r/etc/shadow"
rm -f "$r"/etc/systemd/system/*.wants/* 2>/dev/null || true
systemctl --root="$r" preset-all >"$work/preset.log" 2>&1 || { cat "$work/preset.log"; exit 1; }
echo till >"$r/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\ttill\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' >"$r/etc/hosts"
# An empty machine-id: systemd makes one at each boot (the root stays read-only).
: >"$r/etc/machine-id"
ln -sf ../run/systemd/resolve/stub-resolv.conf "$r/etc/resolv.conf"
install -m 644 "$here/fstab" "$r/etc/fstab"
mkdir -p "$r/boot/firmware" "$r/data" "$r/var/lib/till" "$r/proc" "$r/sys" "$r/run" "$r/dev" "$r/root" "$r/var/tmp"
chmod 700 "$r/root"
chmod 1777 "$r/tmp" "$r/var/tmp"
id_of() { awk -F: -v n="$2" '$1 == n { print $3 }' "$r/etc/$1"; }
till_uid=$(id_of passwd till)
till_gid=$(id_of group till)
chmod 700 "$r/var/lib/till"
chown "$till_uid:$till_gid" "$r/var/lib/till"
# The writable files live on the data partition: /etc/till and /etc/wpa_supplicant point there.
rm -rf "$r/etc/till" "$r/etc/wpa_supplicant"
ln -s /data/etc/till "$r/etc/till"
ln -s /data/etc/wpa_supplicant "$r/etc/wpa_supplicant"
install -D -m 644 "$here/till.toml" "$r/usr/share/till/till.toml"
install -m 644 "$here/wpa_supplicant-wlan0.conf" "$r/usr/share/till/wpa_supplicant-wlan0.conf"
# Which package versions are inside (the licences are in their copyright files, which stay).
awk '{ print $1, $2, $3 }' "$work/debs.txt" | sort >"$r/usr/share/till/packages.txt"
find "$r/usr/share/doc" -mindepth 1 -maxdepth 1 -type d -empty -delete 2>/dev/null || true

# ldconfig.service would rebuild the loader's cache at each boot (the image has none), and failed:
# the image has no ldconfig (libc-bin is not among its packages), nor could it write /etc. The loader
# needs no cache: it looks in its built-in multiarch directories, where every library is. Masked.
ln -sf /dev/null "$r/etc/systemd/system/ldconfig.service"
# The other ConditionNeedsUpdate= units (systemd-update-done, the journal's catalogue, hwdb) would
# also try to write the read-only root at each boot: /etc and /var are marked updated for this
# /usr, as systemd-update-done would (the file's mtime is /usr's; mkfs.ext4 -d keeps both).
for f in etc/.updated var/.updated; do
    printf '# This file was created by image/debian/assemble.sh (as systemd-update-done would).\nTIMESTAMP_NSEC=%s\n' \
        "$(stat -c %.9Y "$r/usr" | tr -d .)" >"$r/$f"
    touch -r "$r/usr" "$r/$f"
done

# The data partition's first contents: the till's directory, its configuration, wpa_supplicant's.
d=$work/data
mkdir -p "$d/till" "$d/systemd" "$d/etc/till" "$d/etc/wpa_supplicant"
chown "$till_uid:$till_gid" "$d/till"
chmod 700 "$d/till"
install -m 640 "$here/till.toml" "$d/etc/till/till.toml"
chown "0:$till_gid" "$d/etc/till" "$d/etc/till/till.toml"
chmod 750 "$d/etc/till"
install -m 600 "$here/wpa_supplicant-wlan0.conf" "$d/etc/wpa_supplicant/wpa_supplicant-wlan0.conf"

# The file systems. Root: its content plus 10 % and 8 MiB, read-only at run time, no journal
# needed (never written) but kept so a technician can mount it read-write safely.
size_mib() { echo $(( ($(du -s -B1M "$1" | cut -f1) * 110 / 100) + 8 )); }
mkfs() { # LABEL DIR SIZE_MIB OUT UUID
    rm -f "$4"
    mkfs.ext4 -q -F -L "$1" -U "$5" -d "$2" -m 0 -E root_owner=0:0 "$4" "${3}M"
}
mkfs TILLROOT "$r" "$(size_mib "$r")" "$parts/root.ext4" 7111a001-0000-4000-8000-000000000002
mkfs TILLDATA "$d" 32 "$parts/data.ext4" 7111a001-0000-4000-8000-000000000003
bsize=$(( $(du -s -B1M "$b" | cut -f1) + 8 ))
[ "$bsize" -ge 48 ] || bsize=48
rm -f "$parts/boot.vfat"
mkfs.vfat -C -n TILLBOOT -i 7111CA5E "$parts/boot.vfat" $((bsize * 1024)) >/dev/null
mcopy -s -i "$parts/boot.vfat" "$b"/* ::/

# The size table of image/README.md.
{
    echo "boot partition: $(du -sh "$b" | cut -f1) in $bsize MiB"
    du -sh "$b"/* | sort -rh
    echo "root file system: $(du -sh "$r" | cut -f1)"
    du -x -d 3 -h "$r" | sort -rh | head -30
    echo "largest files of the root file system:"
    find "$r" -xdev -type f -size +400k -printf '%s %P\n' | sort -rn | head -40 | awk '{ printf "%6.1f MiB  %s\n", $1 / 1048576, $2 }'
} >"$out/sizes.txt"
