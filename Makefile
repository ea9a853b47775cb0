# till — two commands do all set-up on a fresh Debian/Ubuntu machine with a Rust toolchain:
#   make run    starts the till on its embedded defaults (demo catalogue + built-in payment simulator)
#   make test   runs every test
# System packages a target needs are installed here with apt-get (as root, or through sudo).

CARGO ?= cargo
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Debian packages the build and tests need: a C compiler for ring (TLS);
# wpasupplicant (its parser checks the Wi-Fi writer) and espeak-ng (the voice) for the tests.
BUILD_PKGS := gcc libc6-dev wpasupplicant espeak-ng

# Cross-builds for the boards: a rustup target where one is installed, else Debian's packaged Rust
# (rustc-web, cargo-web and the target's std from libstd-rust-web-dev:ARCH). Both build into
# target/cross, apart from the host's target/, so the two toolchains never share artifacts.
CROSS_DIR := target/cross
AARCH64 := aarch64-unknown-linux-gnu
ARMHF := armv7-unknown-linux-gnueabihf
AARCH64_BIN := $(CROSS_DIR)/$(AARCH64)/release/till
ARMHF_BIN := $(CROSS_DIR)/$(ARMHF)/release/till
# The QEMU-arm test: the emulator, cpio for the initramfs, mkfs.ext4 for the data disk, tmux
# as the console's screen, socat for each guest connection to the host's simulator.
QEMU_PKGS := qemu-system-arm cpio e2fsprogs tmux socat

.PHONY: run test deps lint clean aarch64 armhf test-qemu

# Installs the system packages that are missing (nothing is installed when all are present).
deps:
	@missing=$$(for p in $(BUILD_PKGS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing with apt-get: $$missing"; \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

run: deps
	$(CARGO) run --release --bin till -- demo

test: deps
	$(CARGO) test --all-targets --locked
	$(CARGO) test --doc --locked
	$(MAKE) test-qemu

# $(call install_missing,PACKAGES): apt-get installs those not installed yet.
install_missing = missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing with apt-get: $$missing"; \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

# $(call cross_build,TRIPLE,DEBIAN_ARCH,GCC_PACKAGE,LIBC_DEV_PACKAGE)
cross_build = set -e; \
	if rustup target list --installed 2>/dev/null | grep -qx $(1); then \
		$(call install_missing,$(3) $(4)); \
		build="$(CARGO)"; \
	else \
		dpkg --print-foreign-architectures | grep -qx $(2) || $(SUDO) dpkg --add-architecture $(2); \
		dpkg-query -W -f='$${Status}\n' libstd-rust-web-dev:$(2) 2>/dev/null | grep -q '^install ok installed' || $(SUDO) apt-get update -qq; \
		$(call install_missing,rustc-web cargo-web libstd-rust-web-dev:$(2) $(3) $(4)); \
		build="env RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc /usr/bin/cargo"; \
	fi; \
	echo "building with: $$build"; \
	$$build build --release --locked --bin till --target $(1) --target-dir $(CROSS_DIR); \
	ls -l $(CROSS_DIR)/$(1)/release/till; file $(CROSS_DIR)/$(1)/release/till 2>/dev/null || true

# A stripped release till for 64-bit Raspberry Pis (3/4/5, Zero 2 W): $(AARCH64_BIN).
aarch64:
	@$(call cross_build,$(AARCH64),arm64,gcc-aarch64-linux-gnu,libc6-dev-arm64-cross)

# The till for aarch64 booted under qemu-system-aarch64: scanner, printer, payments, power cut.
test-qemu: aarch64
	@$(call install_missing,$(QEMU_PKGS))
	sh tests/qemu/run_arm.sh $(AARCH64_BIN)

lint:
	$(CARGO) fmt --check
	$(CARGO) clippy --all-targets --locked -- -D warnings

clean:
	$(CARGO) clean
