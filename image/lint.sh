#!/bin/sh
# make lint-image: what can be checked of the image builders here, where Buildroot and Yocto cannot
# run. 1. shellcheck on every shell script of the images and their tests. 2. Every file the Buildroot
# tree and the Yocto layer name exists. 3. The three builders install the same files: each of them
# names every file of systemd/ and udev/. Prints one line per problem; exit status 1 if any.
set -eu
cd "$(dirname "$0")/.."
problems=0
problem() {
    echo "lint-image: $*"
    problems=$((problems + 1))
}

# 1. shellcheck (busybox's sh is POSIX sh as far as these scripts go).
scripts="image/lint.sh image/debian/build.sh image/debian/assemble.sh image/debian/initramfs-init
    systemd/till-console.sh systemd/till-grow-data.sh systemd/till-boot-slot tests/qemu/run_arm.sh tests/qemu/boot_image.sh
    tests/qemu/init tests/qemu/wifi.sh image/buildroot/board/till/post-build.sh image/buildroot/board/till/post-image.sh"
if command -v shellcheck >/dev/null 2>&1; then
    # SC2016: the mmdebstrap hooks are single-quoted on purpose ($1 is expanded by mmdebstrap).
    # shellcheck disable=SC2086
    shellcheck -s sh -S warning -e SC2016 $scripts || problem "shellcheck found the problems above"
    shellcheck -s bash -S warning tests/qemu/run_armhf.sh || problem "shellcheck found the problems above"
else
    echo "lint-image: shellcheck not installed, scripts not checked"
fi

# 2. Files named by the Buildroot tree and the Yocto layer.
br=image/buildroot
for f in external.desc Config.in external.mk package/till/Config.in package/till/till.mk; do
    [ -f "$br/$f" ] || problem "$br/$f missing"
done
sed -n 's/.*\$(BR2_EXTERNAL_TILL_PATH)\/\([^" ]*\).*/\1/p' "$br/configs/till_rpi4_64_defconfig" | while read -r f; do
    [ -e "$br/$f" ] || echo "lint-image: till_rpi4_64_defconfig names $f, not in $br"
done | grep . && problems=$((problems + 1))
grep -q '^BR2_PACKAGE_TILL=y' "$br/configs/till_rpi4_64_defconfig" || problem "the defconfig does not select the till"
# $(@D) in till.mk and ${S} in the recipe are the till's repository.
for f in $(grep -o '\$(@D)/[^ )]*' "$br/package/till/till.mk" | grep -v '\$(d' | sed 's/^\$(@D)\///; s/\/\*$//'); do
    [ -e "$f" ] || problem "till.mk installs $f, not in the repository"
done
y=image/yocto/meta-till
for f in conf/layer.conf recipes-till/till/till_git.bb recipes-till/till/till-crates.inc recipes-core/images/till-image.bb; do
    [ -f "$y/$f" ] || problem "$y/$f missing"
done
for f in $(grep -o '\${S}/[^ ;]*' "$y/recipes-till/till/till_git.bb" | sed 's/^\${S}\///; s/\/\*$//; s/\/\$u$//; s/\/\$d$//'); do
    [ -e "$f" ] || problem "till_git.bb installs $f, not in the repository"
done
for f in $(grep -o '\${TILL_SRC}/[^ ;]*' "$y/recipes-core/images/till-image.bb" | sed 's/^\${TILL_SRC}\///'); do
    [ -e "$f" ] || problem "till-image.bb uses $f, not in the repository"
done
wks=$(sed -n 's/^WKS_FILE = "\(.*\)"/\1/p' "$y/recipes-core/images/till-image.bb")
[ -f "$y/wic/$wks" ] || problem "WKS_FILE $wks not in $y/wic"
grep -q 'inherit cargo' "$y/recipes-till/till/till_git.bb" || problem "till_git.bb does not inherit cargo"
grep -q 'cargo-package' "$br/package/till/till.mk" || problem "till.mk does not use the cargo infrastructure"

# 3. The same files everywhere: every file of systemd/ and udev/ is named by each builder.
for installer in image/debian/assemble.sh "$br/package/till/till.mk" "$y/recipes-till/till/till_git.bb"; do
    for f in systemd/* systemd/*/* udev/*; do
        [ -f "$f" ] || continue
        name=${f##*/}
        dir=${f%/*}
        dir=${dir##*/}
        # A file inside a systemd/ subdirectory is installed by that directory's name (glob).
        case $dir in
        systemd | udev) grep -q -- "$name" "$installer" || problem "$installer does not install $f" ;;
        *) grep -q -- "$dir" "$installer" || problem "$installer does not install $f" ;;
        esac
    done
done
# The console drop-in starts what till.service starts.
exec_start=$(sed -n 's/^ExecStart=\(.\)/\1/p' systemd/till.service)
grep -q -x "ExecStart=/usr/libexec/till/till-console $exec_start" systemd/till.service.d/console.conf ||
    problem "till.service.d/console.conf does not wrap till.service's ExecStart ($exec_start)"
# Units named by the preset exist.
for u in $(sed -n 's/^enable \(till[^ ]*\).*/\1/p' systemd/till.preset); do
    [ -f "systemd/$u" ] || problem "till.preset enables $u, not in systemd/"
done

if [ "$problems" -gt 0 ]; then
    echo "lint-image: $problems problem(s)"
    exit 1
fi
echo "lint-image: image builders consistent"
