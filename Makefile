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
# (rustc-web, cargo-web and the target's std from libstd-rust-web-dev:ARCH, or built from rust-web-src
# where apt offers no such std of the compiler's version: see cross_build). Both build into
# target/cross, apart from the host's target/, so the two toolchains never share artifacts.
CROSS_DIR := target/cross
AARCH64 := aarch64-unknown-linux-gnu
ARMHF := armv7-unknown-linux-gnueabihf
AARCH64_BIN := $(CROSS_DIR)/$(AARCH64)/release/till
ARMHF_BIN := $(CROSS_DIR)/$(ARMHF)/release/till
# The QEMU-arm test: the emulator, cpio for the initramfs, mkfs.ext4 for the data disk, tmux
# as the console's screen, socat for each guest connection to the host's simulator.
QEMU_PKGS := qemu-system-arm cpio e2fsprogs tmux socat
# The Raspberry Pi image (image/debian/build.sh), built without root: mmdebstrap unpacks Debian's
# arm64 packages, fakeroot records ownership for mkfs.ext4 -d, mtools fills the FAT partition.
IMAGE_DIR := target/image
# The 32-bit image (make image-armhf): its own directory (parts/ and the .debs are per architecture).
IMAGE_ARMHF_DIR := target/image-armhf
# The Debian release the image is built from: trixie (13, stable), or bookworm (12) as the fallback
# (make image DEBIAN_SUITE=bookworm; image/README.md, "Which Debian, which boards").
DEBIAN_SUITE ?= trixie
# The image's screen read back (make test-image): OCR of Chinese and English, PPM to PNG.
GLASS_PKGS := tesseract-ocr tesseract-ocr-chi-sim imagemagick
IMAGE_PKGS := mmdebstrap fakeroot debian-archive-keyring dosfstools mtools e2fsprogs fdisk kmod cpio xz-utils
# The image's scripts are checked with shellcheck (make lint-image).
LINT_IMAGE_PKGS := shellcheck
# The back office (crates/till-office, docs/back-office.md): PostgreSQL for its tests and `make office`
# (throwaway clusters, run as nobody under root), Chromium and chromedriver for its pages' browser test.
OFFICE_PKGS := postgresql chromium chromium-driver
OFFICE_PORT ?= 8787

.PHONY: run office test test-uinput test-office deps lint clean aarch64 armhf test-armhf test-qemu bench profile image test-image image-qemu image-armhf test-image-armhf lint-image

# apt-get waits up to 10 minutes for another apt-get or dpkg (a second make on the machine) to finish.
APT_WAIT := -o DPkg::Lock::Timeout=600
# apt-get update, going on with the lists apt has where one index fails to download (a mirror in
# sync leaves one architecture's index stale for hours: apt then exits 100 though the rest is fresh).
apt_update = $(SUDO) apt-get update $(APT_WAIT) -qq || echo "apt-get update failed for some index (above): going on with the package lists apt has"

# Installs the system packages that are missing (nothing is installed when all are present).
deps:
	@missing=$$(for p in $(BUILD_PKGS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing with apt-get: $$missing"; \
		$(apt_update); $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install $(APT_WAIT) -y -qq $$missing; \
	fi

run: deps
	$(CARGO) run --release --bin till -- demo

# The back office with the demo till enrolled to it: http://127.0.0.1:$(OFFICE_PORT)/ (owner / till-demo-owner).
office: deps
	@$(call install_missing,postgresql)
	$(CARGO) build --locked -p till -p till-office --bins
	sh crates/till-office/office-demo.sh target/debug/till target/debug/till-office $(OFFICE_PORT)

# The formatting and the lints Cargo.toml denies are checked here, so that they hold (make lint alone: the same).
# benches/budgets runs as a smoke test (debug build, nothing measured): `make bench` measures.
test: deps
	$(CARGO) fmt --all --check
	$(CARGO) test --all-targets --locked
	@$(MAKE) --no-print-directory test-uinput
	$(CARGO) test --doc --locked
	$(MAKE) test-office
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings
	$(MAKE) lint-image
	$(MAKE) test-qemu
	$(MAKE) test-image
	$(MAKE) test-armhf

# The real kernel's evdev with a virtual scanner (uinput): the test is ignored by plain `cargo test`
# and run here where the kernel has uinput (loaded if it is a module); where it has not (some
# containers), a line says the test did not run, so a green run never hides it.
test-uinput:
	@[ -e /dev/uinput ] || $(SUDO) modprobe uinput 2>/dev/null || true
	@if [ -e /dev/uinput ]; then $(CARGO) test --locked --test evdev_scanner -- --ignored; \
	else echo "NOT RUN: tests/evdev_scanner.rs (this kernel has no /dev/uinput; the scanner's evdev path is still run under QEMU by make test-qemu)"; fi

# The back office's tests (crates/till-office/tests): each on its own throwaway PostgreSQL cluster, with
# the real till binary (built first: another package's tests cannot have cargo build it) and Chromium.
test-office: deps
	@$(call install_missing,$(OFFICE_PKGS))
	$(CARGO) build --locked --bin till
	$(CARGO) test --locked -p till-proto -p till-office

# $(call install_missing,PACKAGES[,APT_GET_OPTIONS]): apt-get installs those not installed yet.
install_missing = missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing with apt-get: $$missing"; \
		$(apt_update); $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install $(APT_WAIT) -y -qq $(2) $$missing; \
	fi

# $(call cross_build,TRIPLE,DEBIAN_ARCH,GCC_PACKAGE,LIBC_DEV_PACKAGE)
# With Debian's Rust, the target's std must come from the installed compiler's own version: the
# package libstd-rust-web-dev:ARCH where apt offers that version; else (a mirror whose ARCH index
# lags behind the compiler, as armhf's did in 2026-11) std is compiled from source by cargo's
# -Zbuild-std, from rust-web-src of the same version (its library/ is what `rustc --print sysroot`
# points cargo at: /usr/lib/rustlib/src/rust), std's own dependencies from crates.io.
# RUSTC_BOOTSTRAP=1 lets the stable compiler accept -Z; as build scripts (proc-macro2's) watch it, such
# builds get their own target dir, $(CROSS_DIR)/build-std, lest they and the others rebuild each other's
# host crates in turn; the till is linked to the usual place. image/README.md, "32-bit boards".
cross_build = set -e; dir=$(CROSS_DIR); \
	if rustup target list --installed 2>/dev/null | grep -qx $(1); then \
		$(call install_missing,$(3) $(4)); \
		build="$(CARGO) build"; \
	else \
		dpkg --print-foreign-architectures | grep -qx $(2) || $(SUDO) dpkg --add-architecture $(2); \
		$(call install_missing,rustc-web cargo-web $(3) $(4)); \
		v=$$(dpkg-query -W -f='$${Version}' rustc-web); \
		installed() { dpkg-query -W -f='$${Status} $${Version}\n' "$$1" 2>/dev/null | grep -qx "install ok installed $$v"; }; \
		offered() { apt-cache policy "$$1" | grep -qx " *Candidate: $$v"; }; \
		get() { echo "installing with apt-get: $$1=$$v"; $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install $(APT_WAIT) -y -qq --no-remove "$$1=$$v"; }; \
		installed libstd-rust-web-dev:$(2) || { $(apt_update); }; \
		build="env RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc /usr/bin/cargo build"; \
		if installed libstd-rust-web-dev:$(2) || { offered libstd-rust-web-dev:$(2) && get libstd-rust-web-dev:$(2); }; then \
			echo "std for $(1): libstd-rust-web-dev:$(2) $$v"; \
		elif installed rust-web-src || { offered rust-web-src && get rust-web-src; }; then \
			echo "std for $(1): apt offers no libstd-rust-web-dev:$(2) $$v (its candidate: $$(apt-cache policy libstd-rust-web-dev:$(2) | sed -n 's/ *Candidate: //p')), so cargo compiles std from rust-web-src $$v (-Zbuild-std)"; \
			build="env RUSTC_BOOTSTRAP=1 $$build -Zbuild-std"; dir=$(CROSS_DIR)/build-std; \
		else \
			echo "cross_build: apt offers neither libstd-rust-web-dev:$(2) nor rust-web-src of rustc-web's version $$v (apt-get install --only-upgrade rustc-web cargo-web?)"; exit 1; \
		fi; \
	fi; \
	echo "building with: $$build"; \
	$$build --release --locked --bin till --target $(1) --target-dir $$dir; \
	if [ $$dir != $(CROSS_DIR) ]; then mkdir -p $(CROSS_DIR)/$(1)/release; ln -f $$dir/$(1)/release/till $(CROSS_DIR)/$(1)/release/till; fi; \
	ls -l $(CROSS_DIR)/$(1)/release/till; file $(CROSS_DIR)/$(1)/release/till 2>/dev/null || true

# A stripped release till for 64-bit Raspberry Pis (3/4/5, Zero 2 W): $(AARCH64_BIN).
aarch64:
	@$(call cross_build,$(AARCH64),arm64,gcc-aarch64-linux-gnu,libc6-dev-arm64-cross)

# The same for 32-bit boards (Pi 2, or Pi 3/Zero 2 W with a 32-bit system): $(ARMHF_BIN).
# With Debian's Rust 1.96 and no armhf std of that version on the mirror (2026-11): 4-14 min from
# scratch on a shared 2-core machine (by its load), std included (image/README.md, "32-bit boards").
armhf:
	@$(call cross_build,$(ARMHF),armhf,gcc-arm-linux-gnueabihf,libc6-dev-armhf-cross)

# The armhf till run for real on a whole emulated 32-bit ARM machine (tests/qemu/run_armhf.sh:
# qemu-system-arm -M virt, a Cortex-A7 as in a Pi 2, Debian's armhf kernel): --version, a headless sale
# through the built-in simulator on a fresh store, then export and catalogue export of that store.
# Not qemu-user: Debian 12's qemu-arm cannot start a thread in a dynamic armhf program (the script says more).
# The last step of `make test`.
test-armhf: armhf
	@$(call install_missing,qemu-system-arm cpio file)
	@dpkg --print-foreign-architectures | grep -qx armhf || { $(SUDO) dpkg --add-architecture armhf; $(apt_update); }
	bash tests/qemu/run_armhf.sh $(ARMHF_BIN)

# The till for aarch64 booted under qemu-system-aarch64: scanner, printer, payments, power cut,
# online upgrade, a Wi-Fi code joined through simulated radios (tests/qemu/run_arm.sh).
test-qemu: aarch64
	@$(call install_missing,$(QEMU_PKGS))
	sh tests/qemu/run_arm.sh $(AARCH64_BIN)

# Performance budgets (issue 8, docs/performance.md): one table of each figure, its budget, the
# reference measured in the same run, and pass/fail. Not part of `make test`: it times things.
# FAST=1 uses 10,000 orders for the store figures (20,000 for the 1,000,000-order rows) and fewer
# runs. The aarch64 binary and the QEMU
# kit are built first when they can be; where they cannot, their rows say "not built". The back
# office's rows (ingest against its floor, the day pages) follow, into target/bench-office.md.
bench: deps
	-@$(MAKE) --no-print-directory aarch64 || echo "bench: make aarch64 failed: its rows will say not built"
	-@if [ -x $(AARCH64_BIN) ]; then $(call install_missing,$(QEMU_PKGS) mtools); \
		TILL_QEMU_KIT_ONLY=1 sh tests/qemu/run_arm.sh $(AARCH64_BIN) || echo "bench: no QEMU kit"; fi
	FAST=$(FAST) $(CARGO) bench --locked --bench budgets
	@$(call install_missing,$(OFFICE_PKGS))
	-FAST=$(FAST) $(CARGO) bench --locked -p till-office --bench office

# Where a section's time goes (docs/performance.md): its system calls counted by strace and its
# instructions by valgrind's callgrind, into target/profile/. PROFILE=commit (default), paid-sale,
# scan, payment, receipt, day, outbox, store: the names `make bench` prints.
PROFILE ?= commit
profile: deps
	@$(call install_missing,strace valgrind)
	@set -e; bin=$$(CARGO_PROFILE_BENCH_STRIP=false $(CARGO) bench --locked --bench budgets --no-run 2>&1 | sed -n 's/.*Executable .*(\(.*\))$$/\1/p' | tail -1); \
	mkdir -p target/profile; out=target/profile/$(PROFILE); \
	BENCH_ONLY=$(PROFILE) FAST=1 strace -f -c -o $$out.strace $$bin --bench >/dev/null 2>&1; \
	BENCH_ONLY=$(PROFILE) FAST=1 valgrind --tool=callgrind --callgrind-out-file=$$out.callgrind $$bin --bench >/dev/null 2>$$out.valgrind.log; \
	echo "== system calls ($$out.strace)"; head -15 $$out.strace; \
	echo "== instructions ($$out.callgrind)"; callgrind_annotate $$out.callgrind 2>/dev/null | head -30

# A flashable Raspberry Pi (3/4/400, Zero 2 W; 64-bit) SD-card image from Debian $(DEBIAN_SUITE) arm64:
# $(IMAGE_DIR)/till-rpi-arm64.img and .img.xz (image/README.md). The .debs stay cached in $(IMAGE_DIR)/debs.
image: aarch64
	@$(call install_missing,$(IMAGE_PKGS))
	TILL_DEBIAN_SUITE=$(DEBIAN_SUITE) sh image/debian/build.sh $(AARCH64_BIN) $(IMAGE_DIR)

# The image checked from the outside (partitions, files, units, ownership), then booted under QEMU
# (the last step of make test: about 6 min after test-qemu on a loaded 2-core machine, the first time
# including the download of ~105 MB of Debian .debs, kept in $(IMAGE_DIR)/debs afterwards):
# the till started by systemd, the root never written, the data partition grown, a power cut survived.
# With QEMU's i6300esb as the board's watchdog: a till that stops pinging is restarted by systemd, and
# a hung kernel is reset by the hardware watchdog (tests/qemu_image.rs, about 4 min more).
# Then tests/qemu_glass.rs looks at the till's own screen (a framebuffer at 800x480 and 1280x800):
# a day's path typed through QEMU's monitor, each screenshot read back by tesseract and compared with
# the text the till drew (screenshots kept in target/glass/). One board at a time: two boots.
test-image: image
	@$(call install_missing,$(QEMU_PKGS) $(GLASS_PKGS) mtools)
	TILL_IMAGE_DIR=$(CURDIR)/$(IMAGE_DIR) $(CARGO) test --locked --test image --test qemu_image -- --ignored --nocapture
	TILL_IMAGE_DIR=$(CURDIR)/$(IMAGE_DIR) $(CARGO) test --locked --test qemu_glass -- --ignored --skip one_screenshot_against_the_text_drawn --skip a_day_on_the_image_s_till_by_the_screens_it_drew --nocapture --test-threads=1

# The same SD image for 32-bit boards (Pi 2, Pi 3 / Zero 2 W in 32-bit mode) from Debian $(DEBIAN_SUITE)
# armhf, with the till of make armhf: $(IMAGE_ARMHF_DIR)/till-rpi-armhf.img and .img.xz, made by the
# same scripts (TILL_IMAGE_ARCH=armhf: Debian's LPAE kernel, config.txt without arm_64bit).
image-armhf: armhf
	@$(call install_missing,$(IMAGE_PKGS))
	TILL_DEBIAN_SUITE=$(DEBIAN_SUITE) TILL_IMAGE_ARCH=armhf sh image/debian/build.sh $(ARMHF_BIN) $(IMAGE_ARMHF_DIR)

# The armhf image read from outside (tests/image.rs), then booted under qemu-system-arm -M virt on a
# Cortex-A7 (the Pi 2's core) with its own kernel, initramfs and command line, as test-image boots the arm64 one: the till started by systemd
# with no unit failed, the root never written, the data partition grown, a power cut survived
# (tests/qemu_image.rs), then a day's path typed on its keyboard with a sale paid through the host's
# simulator, read from the screens the till drew (tests/qemu_glass.rs, without OCR), up to the sale paid. Not part of
# make test: it takes longer than CI's margin allows (image/README.md, "The armhf SD image").
test-image-armhf: image-armhf
	@$(call install_missing,$(QEMU_PKGS) mtools)
	TILL_IMAGE_DIR=$(CURDIR)/$(IMAGE_ARMHF_DIR) TILL_IMAGE_ARCH=armhf $(CARGO) test --locked --test image --test qemu_image -- --ignored --exact the_raspberry_pi_image_has_its_partitions_the_till_and_a_read_only_root the_image_boots_under_qemu_to_the_till_with_a_read_only_root_and_a_grown_data_partition --nocapture
	TILL_IMAGE_DIR=$(CURDIR)/$(IMAGE_ARMHF_DIR) TILL_IMAGE_ARCH=armhf $(CARGO) test --locked --test qemu_glass -- --ignored --exact a_day_on_the_image_s_till_by_the_screens_it_drew --nocapture

# The image's kernel, initramfs and disk under QEMU with the console on this terminal (Ctrl-A X quits).
image-qemu: image
	@$(call install_missing,$(QEMU_PKGS) mtools)
	sh tests/qemu/boot_image.sh $(IMAGE_DIR)

# What can be checked of the image builders without building them: shellcheck on every script,
# and the Buildroot/Yocto trees referring only to files that exist (image/lint.sh).
lint-image:
	@$(call install_missing,$(LINT_IMAGE_PKGS))
	sh image/lint.sh

lint: lint-image
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

clean:
	$(CARGO) clean
