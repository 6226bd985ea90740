# Holdspace build, run and test. README.md shows two targets: `make run` and `make test`.
# Everything a fresh Debian 12 / Ubuntu machine needs beyond Rust, Node 20 and make is
# installed here (system packages with apt, UI packages with npm).

SHELL := /bin/bash
.DEFAULT_GOAL := run
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CARGO ?= cargo

# To build and run the app.
BUILD_PACKAGES := build-essential pkg-config libssl-dev libwebkit2gtk-4.1-dev libasound2-dev
# To run the tests: a virtual display, the WebDriver for WebKitGTK, a D-Bus session bus, and
# audio tools to make fixtures and read captured output (ffmpeg makes the AAC/M4A fixtures and
# the unsupported-codec corpus), xdotool to answer the system folder chooser (a GTK window,
# not part of the page WebDriver drives), and for the storage tests the sqlite3 shell (the
# outside reader) and the tools that make a failing disk.
TEST_PACKAGES := xvfb xauth webkit2gtk-driver dbus dbus-x11 sox libsox-fmt-mp3 alsa-utils poppler-utils xdotool ffmpeg sqlite3 e2fsprogs util-linux lintian

# To build the Debian package: dpkg-shlibdeps (the declared dependencies), ffmpeg (the demo
# audio shipped as Ogg Vorbis); lintian for the package test.
PACKAGE_PACKAGES := dpkg-dev ffmpeg

XVFB := xvfb-run -a -s "-screen 0 1280x800x24"
E2E_BIN := target/debug/holdspace-e2e

.PHONY: guide guide-check run test setup setup-test prerequisites ui ui-test bindings e2e-build e2e rust-test demo-audio package package-debug package-test bench perf soak clean

## run: install what is missing, build, and open the app on the default data folder.
run: setup ui demo-audio
	$(CARGO) build -p holdspace
	./target/debug/holdspace

## test: install what is missing, then run every test (Rust, UI, end-to-end in a real window,
## the Debian package installed and run).
## The end-to-end run is stopped after 40 min, so a hang fails the run instead of stalling it.
test: setup setup-test guide-check ui ui-test rust-test e2e package-test

prerequisites:
	@command -v $(CARGO) >/dev/null || { echo "Rust is missing: install it from rustup.rs"; exit 1; }
	@command -v npm >/dev/null || { echo "Node.js 20.19+ with npm is missing: install it from nodejs.org or NodeSource"; exit 1; }

define apt_install
	@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing system packages:" $$missing; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi
endef

setup: prerequisites
	$(call apt_install,$(BUILD_PACKAGES))
	@[ -d ui/node_modules ] && [ ui/node_modules/.package-lock.json -nt ui/package-lock.json ] || \
		(cd ui && npm install --no-audit --no-fund)

setup-test:
	$(call apt_install,$(TEST_PACKAGES))
	@# The FHIR model library every exported Bundle is validated with (tests/fhir/validate.py).
	@[ -x .venv-fhir/bin/python ] && [ .venv-fhir/.installed -nt tests/fhir/requirements.txt ] || \
		(python3 -m venv .venv-fhir && .venv-fhir/bin/pip install -q --disable-pip-version-check -r tests/fhir/requirements.txt && touch .venv-fhir/.installed)

ui:
	cd ui && npm run build

ui-test:
	cd ui && npm run check && npm test

rust-test:
	$(CARGO) test --workspace --exclude holdspace-e2e

## The app with test-only commands (moving the clock), copied aside so a normal build
## never carries them.
e2e-build: ui
	$(CARGO) build -p holdspace --features e2e
	cp target/debug/holdspace $(E2E_BIN)
	$(CARGO) build -p holdspace

e2e: e2e-build demo-audio
	timeout 2400 $(XVFB) dbus-run-session -- $(CARGO) test -p holdspace-e2e -- --test-threads=1

## package: the Debian package (release build, with the Tauri bundler), printed path
## target/package/release/holdspace_<version>_<arch>.deb; package-debug: the same from the debug
## build, in target/package/debug/.
package: setup ui demo-audio
	$(call apt_install,$(PACKAGE_PACKAGES))
	packaging/package.sh release

package-debug: setup ui demo-audio
	$(call apt_install,$(PACKAGE_PACKAGES))
	packaging/package.sh debug

## package-test: the debug package built from the binary e2e-build made, checked (dpkg-deb,
## lintian reported), installed with apt-get, run (--version, sessions, the window under Xvfb
## reaching the start screen with the demo playlist), removed; the data folder must survive.
package-test: e2e-build demo-audio
	$(call apt_install,$(PACKAGE_PACKAGES))
	timeout 900 packaging/test-package.sh

## soak: the crash soak on its own, N iterations (default 100): the real app killed with
## SIGKILL at random moments, every acknowledged note checked in the file after each restart.
## `make test` runs 20 of them as part of the end-to-end suite.
N ?= 100
soak: setup setup-test e2e-build demo-audio
	HOLDSPACE_SOAK_ITERATIONS=$(N) timeout 10800 $(XVFB) dbus-run-session -- $(CARGO) test -p holdspace-e2e soak -- --test-threads=1 --nocapture

## demo-audio: render the demo playlist's music (calm pads and drones made by the project,
## so it is lawful to ship and needs no download); complete files are kept.
demo-audio:
	$(CARGO) run -q -p holdspace-audio --bin holdspace-demo-audio -- playlists/demo/audio

## bench: the review performance benchmark (2,500 sessions, 1,000,000 entries), as ratios
## against a baseline query in the same run. `make bench ARGS=--quick` for a small database.
bench:
	src-tauri/crates/export/bench.sh $(ARGS)

## perf: the app against its floors, every figure a ratio from one interleaved run (README,
## "Performance"): CPU playing vs mpv, CPU of the idle live screen and launch time vs a bare
## Tauri window, memory with music vs the bare window plus mpv. Release builds; the bare
## window is its own Cargo workspace (bench/perf/baseline-tauri), never part of `make test`.
## Takes about 20 minutes; `make perf PERF_N=5` for more CPU pairs, `make perf PERF_ONLY=CPU` for the two CPU figures alone.
PERF_PACKAGES := xvfb webkit2gtk-driver sox pulseaudio pulseaudio-utils libasound2-plugins mpv
TARGET_DIR := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)
BASE_TARGET_DIR ?= $(CURDIR)/bench/perf/baseline-tauri/target
perf: setup ui demo-audio
	$(call apt_install,$(PERF_PACKAGES))
	$(CARGO) build --release -p holdspace
	cd bench/perf/baseline-tauri && CARGO_TARGET_DIR=$(BASE_TARGET_DIR) $(CARGO) build --release
	APP=$(TARGET_DIR)/release/holdspace BASE=$(BASE_TARGET_DIR)/release/baseline-tauri N=$(or $(PERF_N),3) ONLY=$(PERF_ONLY) bench/perf/run.sh

## bindings: regenerate the TypeScript types of the IPC seam from Rust.
# The therapist's guide as a PDF: Debian's python3-markdown and weasyprint (offline once installed).
guide:
	$(call apt_install,python3-markdown weasyprint)
	docs/guide/check.sh
	/usr/bin/python3 docs/guide/build.py docs/guide.pdf

# Every screenshot docs/guide.md shows is in docs/guide/ (docs/guide/collect.sh copies them).
guide-check:
	docs/guide/check.sh

bindings:
	UPDATE_BINDINGS=1 $(CARGO) test -p holdspace bindings_are_fresh

clean:
	$(CARGO) clean
	rm -rf ui/dist ui/node_modules .e2e-artifacts
