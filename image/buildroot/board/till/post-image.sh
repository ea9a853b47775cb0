#!/bin/sh
# Buildroot post-image script (BR2_ROOTFS_POST_IMAGE_SCRIPT): the SD-card image from genimage.cfg,
# through Buildroot's support/scripts/genimage.sh. The boot files come from rpi-firmware and the
# kernel; cmdline.txt from this directory.
set -eu
board=$(dirname "$0")
install -m 0644 "$board/cmdline.txt" "$BINARIES_DIR/rpi-firmware/cmdline.txt"
exec support/scripts/genimage.sh -c "$board/genimage.cfg"
