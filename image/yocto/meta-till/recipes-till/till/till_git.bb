SUMMARY = "till: point-of-sale terminal for small shops"
DESCRIPTION = "Barcode scanner, ESC/POS printer, WeChat Pay / Alipay payment codes; with its \
systemd units, udev rules and first-boot provisioning, from the repository's systemd/ and udev/."
HOMEPAGE = "https://example.invalid/till"
LICENSE = "MIT | Apache-2.0"
LIC_FILES_CHKSUM = "file://Cargo.toml;beginline=7;endline=7;md5=86b31c7756a1a7962f28b62856ed4f05"

# Set TILL_GIT_URI and SRCREV (in local.conf or a bbappend) to the till's repository and commit.
TILL_GIT_URI ??= "git://example.invalid/till.git;protocol=https;branch=main"
SRC_URI = "${TILL_GIT_URI}"
SRCREV ?= "${AUTOREV}"
PV = "0.1.0+git"
S = "${WORKDIR}/git"

# The crates: cargo-update-recipe-crates (bitbake -c update_crates till) writes till-crates.inc
# from Cargo.lock, one crate:// SRC_URI entry with its checksum per crate; commit that file.
inherit cargo cargo-update-recipe-crates systemd useradd
require till-crates.inc

# Edition 2024 needs Rust >= 1.85 (Yocto 5.1 "styhead" or later, or meta-lts-mixins' rust).
CARGO_BUILD_FLAGS += "--bin till"

SYSTEMD_SERVICE:${PN} = "till.service till-provision.service till-activate.service till-grow-data.service"
SYSTEMD_AUTO_ENABLE = "enable"

USERADD_PACKAGES = "${PN}"
GROUPADD_PARAM:${PN} = "-r gpio; -r netdev"
USERADD_PARAM:${PN} = "-r -d /var/lib/till -s /sbin/nologin -G input,dialout,lp,gpio,netdev,video,audio till"

# The same files at the same paths as the Debian image (image/debian/assemble.sh).
do_install:append() {
    install -d ${D}${systemd_system_unitdir}/till.service.d
    for u in till.service till-provision.service till-activate.service till-grow-data.service; do
        install -m 0644 ${S}/systemd/$u ${D}${systemd_system_unitdir}/
    done
    install -m 0644 ${S}/systemd/till.service.d/console.conf ${D}${systemd_system_unitdir}/till.service.d/
    install -D -m 0644 ${S}/systemd/till.preset ${D}${systemd_unitdir}/system-preset/80-till.preset
    install -D -m 0644 ${S}/systemd/till.sysusers ${D}${libdir}/sysusers.d/till.conf
    install -D -m 0644 ${S}/systemd/till.tmpfiles ${D}${libdir}/tmpfiles.d/till.conf
    install -D -m 0755 ${S}/systemd/till-console.sh ${D}${libexecdir}/till/till-console
    install -D -m 0755 ${S}/systemd/till-grow-data.sh ${D}${libexecdir}/till/till-grow-data
    install -D -m 0755 ${S}/systemd/till-boot-slot ${D}${libexecdir}/till/till-boot-slot
    for d in network journald.conf.d logind.conf.d system.conf.d; do
        install -d ${D}${systemd_unitdir}/$d
        install -m 0644 ${S}/systemd/$d/* ${D}${systemd_unitdir}/$d/
    done
    install -D -m 0644 ${S}/udev/70-till.rules ${D}${nonarch_base_libdir}/udev/rules.d/70-till.rules
    install -D -m 0644 ${S}/image/debian/till.toml ${D}${datadir}/till/till.toml
    install -D -m 0644 ${S}/image/debian/wpa_supplicant-wlan0.conf ${D}${datadir}/till/wpa_supplicant-wlan0.conf
}

FILES:${PN} += "${systemd_unitdir} ${libdir}/sysusers.d ${libdir}/tmpfiles.d ${libexecdir}/till \
    ${nonarch_base_libdir}/udev/rules.d ${datadir}/till"
RDEPENDS:${PN} += "wpa-supplicant wpa-supplicant-cli fbterm wqy-zenhei espeak e2fsprogs-resize2fs util-linux-sfdisk util-linux-partx"
