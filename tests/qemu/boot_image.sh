#!/bin/sh
# make image-qemu: the Raspberry Pi image's kernel, initramfs and whole disk under
# qemu-system-aarch64 -M virt, with the serial console on this terminal (Ctrl-A X quits).
# The kernel command line is the image's cmdline.txt with the console on the serial port. The
# disk is a copy (qemu-disk.img, kept between runs: delete it for a first boot again) made 256 MiB
# larger, as a bigger card would be. The scanner is a virtio keyboard, the printer a virtio port
# named "printer" writing into printer.bin, the network QEMU's user network.
# Usage: sh tests/qemu/boot_image.sh IMAGE_DIR   (IMAGE_DIR as made by make image)
set -eu
dir=${1:-target/image}
img=$dir/till-rpi-arm64.img
disk=$dir/qemu-disk.img
if [ ! -e "$disk" ]; then
    cp --sparse=always "$img" "$disk"
    truncate -s +256M "$disk"
fi
cmdline=$(mtype -i "$img@@4194304" ::/cmdline.txt | sed 's/console=tty3/console=ttyAMA0/; s/ quiet//')
echo "boot_image.sh: $cmdline"
exec qemu-system-aarch64 -M virt -cpu cortex-a53 -smp 2 -m 512 -nographic -no-reboot \
    -global virtio-mmio.force-legacy=false \
    -kernel "$dir/parts/vmlinuz" -initrd "$dir/parts/initrd.img" -append "$cmdline systemd.show_status=1" \
    -drive "file=$disk,format=raw,if=none,id=d0" -device virtio-blk-device,drive=d0 \
    -device virtio-keyboard-device \
    -netdev user,id=n0 -device virtio-net-device,netdev=n0 \
    -device virtio-serial-device -chardev "file,id=prn,path=$dir/printer.bin" \
    -device virtserialport,chardev=prn,name=printer
