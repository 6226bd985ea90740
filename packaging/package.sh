#!/usr/bin/env bash
# Builds the Debian package with the Tauri bundler: packaging/package.sh release|debug
# Prints the path of the .deb, copied to <target>/package/holdspace_<version>_<arch>.deb.
#
# release: `tauri build --no-bundle` (cargo build --release with Tauri's custom protocol),
# debug:   the plain debug binary `cargo build -p holdspace` makes (what `make test` has built
#          already; the package test uses it to stay inside the CI budget).
# Then the binary's library dependencies are computed by dpkg-shlibdeps (never written by
# hand) and handed to `tauri bundle --bundles deb` as the package's Depends.
set -euo pipefail
profile=${1:-release}
root=$(cd "$(dirname "$0")/.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
tauri=$root/ui/node_modules/.bin/tauri
[ -x "$tauri" ] || { echo "package: the Tauri CLI is missing: run make setup (npm install in ui/)" >&2; exit 1; }
[ -f "$root/ui/dist/index.html" ] || { echo "package: ui/dist is missing: run make ui" >&2; exit 1; }
[ -f "$root/playlists/demo/audio/05-homeward.wav" ] || { echo "package: the demo audio is missing: run make demo-audio" >&2; exit 1; }

cd "$root/src-tauri"
case "$profile" in
  release) "$tauri" build --bundles deb --no-bundle; bin=$target/release/holdspace; flag= ;;
  debug)   cargo build -p holdspace; bin=$target/debug/holdspace; flag=--debug ;;
  *) echo "usage: $0 release|debug" >&2; exit 2 ;;
esac

# dpkg-shlibdeps reads the libraries the binary links and names the Debian packages (with
# minimum versions) that provide them. It wants a debian/control beside it.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/debian"
printf 'Source: holdspace\n\nPackage: holdspace\nArchitecture: any\n' >"$work/debian/control"
cp "$bin" "$work/holdspace"
depends=$(cd "$work" && dpkg-shlibdeps -O -e holdspace 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "package: dpkg-shlibdeps found no dependencies for $bin" >&2; exit 1; }
echo "package: Depends (dpkg-shlibdeps): $depends" >&2
python3 - "$depends" >"$work/deps.json" <<'PY'
import json, sys
deps = [d.strip() for d in sys.argv[1].split(",") if d.strip()]
print(json.dumps({"bundle": {"linux": {"deb": {"depends": deps}}}}))
PY

"$tauri" bundle --bundles deb $flag --config "$work/deps.json" >&2
version=$("$bin" --version | awk '{print $2}')
arch=$(dpkg --print-architecture)
built=$(ls -t "$target/$profile/bundle/deb/"*"_${version}_${arch}.deb" | head -1)
mkdir -p "$target/package"
out=$target/package/holdspace_${version}_${arch}.deb
cp "$built" "$out"
echo "$out"
