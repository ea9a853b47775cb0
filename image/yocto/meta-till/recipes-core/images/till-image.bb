SUMMARY = "The till appliance: boots straight into the till, read-only root, data partition"
LICENSE = "MIT"

inherit core-image

IMAGE_INSTALL = "packagegroup-core-boot till wpa-supplicant linux-firmware-rpidistro-bcm43455 \
    linux-firmware-rpidistro-bcm43430 kernel-modules"
IMAGE_FEATURES += "read-only-rootfs"
IMAGE_LINGUAS = ""
# The same partitions as the Debian image: boot (FAT), root (ext4, read-only), data (/data).
WKS_FILE = "till-rpi.wks"
IMAGE_FSTYPES = "wic.xz"
IMAGE_ROOTFS_EXTRA_SPACE = "0"

# The root's few files, as image/debian/assemble.sh makes them.
till_rootfs_setup() {
    install -m 0644 ${TILL_SRC}/image/debian/fstab ${IMAGE_ROOTFS}${sysconfdir}/fstab
    install -d ${IMAGE_ROOTFS}/boot/firmware ${IMAGE_ROOTFS}/data ${IMAGE_ROOTFS}/var/lib/till
    rm -rf ${IMAGE_ROOTFS}${sysconfdir}/till ${IMAGE_ROOTFS}${sysconfdir}/wpa_supplicant
    ln -s /data/etc/till ${IMAGE_ROOTFS}${sysconfdir}/till
    ln -s /data/etc/wpa_supplicant ${IMAGE_ROOTFS}${sysconfdir}/wpa_supplicant
}
ROOTFS_POSTPROCESS_COMMAND += "till_rootfs_setup;"
# Where the till's source (for image/debian/fstab) is checked out: the till recipe's ${S}.
TILL_SRC ?= "${TOPDIR}/../till"
