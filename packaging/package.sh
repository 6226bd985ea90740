#!/usr/bin/env bash
# Builds the Debian package with the Tauri bundler: packaging/package.sh release|debug
# Prints the path of the .deb, copied to <target>/package/<profile>/holdspace_<version>_<arch>.deb.
#
# release: `tauri build --no-bundle` (cargo build --release with Tauri's custom protocol),
# debug:   the plain debug binary `cargo build -p holdspace` makes (what `make test` has built
#          already; the package test uses it to stay inside the CI budget).
# Then the binary's library dependencies are computed by dpkg-shlibdeps (never written by
# hand) and handed to `tauri bundle --bundles deb` as the package's Depends. The bundler adds
# libwebkit2gtk-4.1-0 and libgtk-3-0 unversioned on its own (no setting turns that off), so the
# built package is unpacked and its Depends written once more without the repeats.
# The demo audio ships as Ogg Vorbis (ffmpeg, at build time) instead of the WAV files
# `make demo-audio` renders: the package's demo.toml names the .ogg files.
set -euo pipefail
profile=${1:-release}
# The Maintainer field (lintian wants a name and an address): override with HOLDSPACE_MAINTAINER.
maintainer=${HOLDSPACE_MAINTAINER:-Holdspace maintainers <maintainers@users.noreply.r-seed-8e9ad553.example>}
root=$(cd "$(dirname "$0")/.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
tauri=$root/ui/node_modules/.bin/tauri
[ -x "$tauri" ] || { echo "package: the Tauri CLI is missing: run make setup (npm install in ui/)" >&2; exit 1; }
[ -f "$root/ui/dist/index.html" ] || { echo "package: ui/dist is missing: run make ui" >&2; exit 1; }
[ -f "$root/playlists/demo/audio/05-homeward.wav" ] || { echo "package: the demo audio is missing: run make demo-audio" >&2; exit 1; }
command -v ffmpeg >/dev/null || { echo "package: ffmpeg is missing (it encodes the demo audio): run make package, which installs it" >&2; exit 1; }

cd "$root/src-tauri"
case "$profile" in
  release) "$tauri" build --bundles deb --no-bundle >&2; bin=$target/release/holdspace; flag= ;;
  debug)   cargo build -p holdspace >&2; bin=$target/debug/holdspace; flag=--debug ;;
  *) echo "usage: $0 release|debug" >&2; exit 2 ;;
esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The share folder: the playlists as in the repository, the demo's audio as Ogg Vorbis.
share=$work/playlists
mkdir -p "$share"
(cd "$root/playlists" && find . -name '*.toml' -print0 | while IFS= read -r -d '' f; do
  mkdir -p "$share/$(dirname "$f")"; cp "$f" "$share/$f"; done)
mkdir -p "$share/demo/audio"
for wav in "$root"/playlists/demo/audio/*.wav; do
  ogg=$share/demo/audio/$(basename "${wav%.wav}").ogg
  ffmpeg -nostdin -loglevel error -i "$wav" -c:a libvorbis -q:a 5 "$ogg"
done
sed -i 's/\.wav"/.ogg"/; s/^# Render the audio with:.*/# The package ships this audio as Ogg Vorbis, encoded from the rendered WAV files./; /^# *cargo run -p holdspace-audio/d' "$share/demo/demo.toml"
grep -q '\.wav"' "$share/demo/demo.toml" && { echo "package: demo.toml still names a .wav file" >&2; exit 1; }

# dpkg-shlibdeps reads the libraries the binary links and names the Debian packages (with
# minimum versions) that provide them. It wants a debian/control beside it.
mkdir -p "$work/debian"
printf 'Source: holdspace\n\nPackage: holdspace\nArchitecture: any\n' >"$work/debian/control"
cp "$bin" "$work/holdspace"
depends=$(cd "$work" && dpkg-shlibdeps -O -e holdspace 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "package: dpkg-shlibdeps found no dependencies for $bin" >&2; exit 1; }
echo "package: Depends (dpkg-shlibdeps): $depends" >&2
python3 - "$depends" "$share" >"$work/config.json" <<'PY'
import json, sys
deps = [d.strip() for d in sys.argv[1].split(",") if d.strip()]
print(json.dumps({"bundle": {"linux": {"deb": {
    "depends": deps,
    "files": {"/usr/share/holdspace/playlists": sys.argv[2]},
}}}}))
PY

version=$("$bin" --version | awk '{print $2}')
arch=$(dpkg --print-architecture)
rm -f "$target/$profile/bundle/deb/"*.deb
"$tauri" bundle --bundles deb $flag --config "$work/config.json" >&2
built=$(ls -t "$target/$profile/bundle/deb/"*"_${version}_${arch}.deb" | head -1)

# The bundler's package, finished the Debian way (lintian's errors): Depends once each (a
# versioned entry wins over the bundler's unversioned repeat), a Maintainer with an address,
# the long description wrapped, the binary stripped, a changelog.
tree=$work/tree
dpkg-deb -R "$built" "$tree"
python3 - "$tree/DEBIAN/control" "$maintainer" <<'PY'
import re, sys, textwrap
path, maintainer = sys.argv[1], sys.argv[2]
out = []
for line in open(path).read().splitlines():
    if line.startswith("Depends:"):
        seen = {}
        for dep in (d.strip() for d in line[len("Depends:"):].split(",")):
            name = re.split(r"[\s(]", dep, maxsplit=1)[0]
            if name not in seen or ("(" in dep and "(" not in seen[name]):
                seen[name] = dep
        line = "Depends: " + ", ".join(seen.values())
    elif line.startswith("Maintainer:"):
        line = "Maintainer: " + maintainer
    elif line.startswith(" ") and len(line) > 80:
        out.extend(" " + l for l in textwrap.wrap(line.strip(), 78))
        continue
    out.append(line)
open(path, "w").write("\n".join(out) + "\n")
PY
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$tree/usr/bin/holdspace"
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
printf 'holdspace (%s) unstable; urgency=medium\n\n  * Built from the Holdspace source at commit %s.\n\n -- %s  %s\n' \
  "$version" "$commit" "$maintainer" "$(date -R)" | gzip -9n >"$tree/usr/share/doc/holdspace/changelog.gz"
(cd "$tree" && find usr -type f -print0 | sort -z | xargs -0 md5sum >DEBIAN/md5sums)
sed -i "s/^Installed-Size:.*/Installed-Size: $(du -sk --exclude=DEBIAN "$tree" | cut -f1)/" "$tree/DEBIAN/control"
mkdir -p "$target/package/$profile"
out=$target/package/$profile/holdspace_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$tree" "$out" >&2
echo "$out"
