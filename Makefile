# till — two commands do all set-up on a fresh Debian/Ubuntu machine with a Rust toolchain:
#   make run    starts the till on its embedded defaults (demo catalogue + built-in payment simulator)
#   make test   runs every test
# System packages a target needs are installed here with apt-get (as root, or through sudo).

CARGO ?= cargo
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Debian packages the build and tests need: a C compiler for ring (TLS) and sled's deps;
# wpasupplicant (its parser checks the Wi-Fi writer) and espeak-ng (the voice) for the tests.
BUILD_PKGS := gcc libc6-dev wpasupplicant espeak-ng

.PHONY: run test deps lint clean

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

lint:
	$(CARGO) fmt --check
	$(CARGO) clippy --all-targets --locked -- -D warnings

clean:
	$(CARGO) clean
