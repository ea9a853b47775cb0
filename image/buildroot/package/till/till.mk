################################################################################
#
# till
#
# Buildroot's cargo infrastructure builds the till (crates vendored at download time, then built
# --offline --locked) and installs /usr/bin/till. The hook below installs the same units, rules and
# scripts, at the same paths, as the Debian image (image/debian/assemble.sh): the one copy in the
# repository's systemd/ and udev/. Needs Rust >= 1.85 (edition 2024): Buildroot 2025.02 or later.
#
################################################################################

TILL_VERSION = $(call qstrip,$(BR2_PACKAGE_TILL_GIT_VERSION))
TILL_SITE = $(call qstrip,$(BR2_PACKAGE_TILL_GIT_URL))
TILL_SITE_METHOD = git
TILL_LICENSE = MIT or Apache-2.0
TILL_CARGO_BUILD_OPTS = --bin till
TILL_CARGO_INSTALL_OPTS = --bin till

define TILL_INSTALL_IMAGE_FILES
	$(INSTALL) -d $(TARGET_DIR)/usr/lib/systemd/system/till.service.d
	$(INSTALL) -m 0644 $(@D)/systemd/till.service $(@D)/systemd/till-provision.service \
		$(@D)/systemd/till-activate.service $(@D)/systemd/till-grow-data.service \
		$(TARGET_DIR)/usr/lib/systemd/system/
	$(INSTALL) -m 0644 $(@D)/systemd/till.service.d/console.conf \
		$(TARGET_DIR)/usr/lib/systemd/system/till.service.d/console.conf
	$(INSTALL) -D -m 0644 $(@D)/systemd/till.preset \
		$(TARGET_DIR)/usr/lib/systemd/system-preset/80-till.preset
	$(INSTALL) -D -m 0644 $(@D)/systemd/till.sysusers $(TARGET_DIR)/usr/lib/sysusers.d/till.conf
	$(INSTALL) -D -m 0644 $(@D)/systemd/till.tmpfiles $(TARGET_DIR)/usr/lib/tmpfiles.d/till.conf
	$(INSTALL) -D -m 0755 $(@D)/systemd/till-console.sh $(TARGET_DIR)/usr/libexec/till/till-console
	$(INSTALL) -D -m 0755 $(@D)/systemd/till-grow-data.sh $(TARGET_DIR)/usr/libexec/till/till-grow-data
	$(INSTALL) -D -m 0755 $(@D)/systemd/till-boot-slot $(TARGET_DIR)/usr/libexec/till/till-boot-slot
	$(foreach d,network journald.conf.d logind.conf.d system.conf.d,
		$(INSTALL) -d $(TARGET_DIR)/usr/lib/systemd/$(d)
		$(INSTALL) -m 0644 $(@D)/systemd/$(d)/* $(TARGET_DIR)/usr/lib/systemd/$(d)/
	)
	$(INSTALL) -D -m 0644 $(@D)/udev/70-till.rules $(TARGET_DIR)/usr/lib/udev/rules.d/70-till.rules
	$(INSTALL) -D -m 0644 $(@D)/image/debian/till.toml $(TARGET_DIR)/usr/share/till/till.toml
	$(INSTALL) -D -m 0644 $(@D)/image/debian/wpa_supplicant-wlan0.conf \
		$(TARGET_DIR)/usr/share/till/wpa_supplicant-wlan0.conf
endef
TILL_POST_INSTALL_TARGET_HOOKS += TILL_INSTALL_IMAGE_FILES

# The accounts of systemd/till.sysusers, made at build time (the root file system is read-only).
define TILL_USERS
	till -1 till -1 * /var/lib/till - input,dialout,lp,gpio,netdev,video,audio till point-of-sale
endef

$(eval $(cargo-package))
