#!/bin/sh
# Buildroot post-build script (BR2_ROOTFS_POST_BUILD_SCRIPT): the read-only root's few files and
# the data partition's first contents, as image/debian/assemble.sh makes them for the Debian image.
# $1: the target directory. BR2_EXTERNAL_TILL_PATH is image/buildroot in the till's repository.
set -eu
t=$1
debian=$BR2_EXTERNAL_TILL_PATH/../debian
install -m 0644 "$debian/fstab" "$t/etc/fstab"
mkdir -p "$t/boot/firmware" "$t/data" "$t/var/lib/till"
: >"$t/etc/machine-id"
rm -rf "$t/etc/till" "$t/etc/wpa_supplicant"
ln -s /data/etc/till "$t/etc/till"
ln -s /data/etc/wpa_supplicant "$t/etc/wpa_supplicant"
ln -sf ../run/systemd/resolve/stub-resolv.conf "$t/etc/resolv.conf"
# /data becomes the data partition (genimage.cfg: mountpoint "/data"); ownership is put right at
# boot by till.tmpfiles and till.service's StateDirectory=.
mkdir -p "$t/data/till" "$t/data/systemd" "$t/data/etc/till" "$t/data/etc/wpa_supplicant"
install -m 0640 "$debian/till.toml" "$t/data/etc/till/till.toml"
install -m 0600 "$debian/wpa_supplicant-wlan0.conf" "$t/data/etc/wpa_supplicant/wpa_supplicant-wlan0.conf"
