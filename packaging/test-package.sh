#!/usr/bin/env bash
# The package test (`make package-test`, part of `make test`): the debug .deb built from the
# binary `make e2e-build` made, checked, installed, run and removed.
#   1. packaging/package.sh debug (no second compile: the debug binary is already built)
#   2. dpkg-deb -f/-c: Package, Version (= Cargo.toml), Depends (non-empty, each package once);
#      /usr/bin/holdspace, the .desktop entry (Categories with Medical), the icons, the
#      curated and demo playlists with the demo audio as Ogg Vorbis (no WAV)
#   3. lintian: warnings reported, errors fail
#   4. apt-get install ./holdspace_*.deb (sudo when not root), holdspace --version,
#      holdspace sessions on a new data folder chosen by XDG_DATA_HOME (the default folder),
#      holdspace check of the installed playlists (the curated parsed, the demo's five .ogg
#      decoded to the end)
#      (first over an older version of the same package, which made the record step 5 opens)
#   5. the installed window under Xvfb and a D-Bus session: the e2e test `installed` (signed in
#      to that record, start screen, Settings listing the package's demo playlist, every track found),
#      and the installed app on a computer without a sound card (starts; says so in plain words)
#   6. apt-get remove: /usr/bin/holdspace gone, both data folders as they were.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
fail() { echo "package-test: FAIL: $*" >&2; exit 1; }
say() { echo "package-test: $*"; }
now() { date +%s.%N; }
secs() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$2"; }

t=$(now)
deb=$(packaging/package.sh debug)
say "built $deb in $(secs "$t" "$(now)") s, $(du -h "$deb" | cut -f1) ($(stat -c %s "$deb") bytes)"

# 2. Metadata and files.
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
[ "$(dpkg-deb -f "$deb" Package)" = holdspace ] || fail "Package is not holdspace"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "Version $(dpkg-deb -f "$deb" Version) is not Cargo.toml's $version"
depends=$(dpkg-deb -f "$deb" Depends)
[ -n "$depends" ] || fail "Depends is empty"
repeats=$(echo "$depends" | tr ',' '\n' | awk '{print $1}' | sort | uniq -d)
[ -z "$repeats" ] || fail "Depends names these more than once: $repeats"
for lib in libwebkit2gtk-4.1-0 libgtk-3-0 libasound2 libc6; do
  echo "$depends" | tr ',' '\n' | awk '{print $1}' | grep -qx "$lib" || fail "Depends lacks $lib: $depends"
done
say "Depends: $depends"
files=$(dpkg-deb -c "$deb" | awk '{print $6}')
need=(./usr/bin/holdspace ./usr/share/applications/Holdspace.desktop ./usr/share/doc/holdspace/copyright
  ./usr/share/holdspace/playlists/im-60.toml ./usr/share/holdspace/playlists/sublingual-90.toml
  ./usr/share/holdspace/playlists/demo/demo.toml)
for size in 16 32 48 64 128 256 512; do need+=("./usr/share/icons/hicolor/${size}x${size}/apps/holdspace.png"); done
for track in 01-first-light 02-slow-water 03-open-field 04-wide-sky 05-homeward; do
  need+=("./usr/share/holdspace/playlists/demo/audio/$track.ogg")
done
for f in "${need[@]}"; do echo "$files" | grep -qx "$f" || fail "the package lacks $f"; done
! echo "$files" | grep -q '\.wav$' || fail "the package carries WAV audio"
desktop=$(dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/share/applications/Holdspace.desktop)
echo "$desktop" | grep -q '^Categories=.*Medical' || fail "the .desktop entry's Categories lack Medical: $desktop"
echo "$desktop" | grep -qx 'Exec=holdspace' || fail "the .desktop entry does not run holdspace"
say "metadata and ${#need[@]} files checked"

# 3. lintian (warnings reported; an error fails).
lint=$(lintian --tag-display-limit 0 "$deb" 2>&1 | grep -v 'running with root privileges' || true)
say "lintian: $(echo "$lint" | grep -c '^W:' || true) warnings, $(echo "$lint" | grep -c '^E:' || true) errors"
[ -z "$lint" ] || echo "$lint" | sed 's/^/  /'
! echo "$lint" | grep -q '^E:' || fail "lintian reports errors"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
data=$work/data

# 4a. An older version first: the same package relabelled ${version}~older (sorts before
# $version), installed, and a record made with it; the real package is then installed over it
# and its window must open that record (step 5). The binary is the same, so this proves the
# upgrade keeps the data and the new program opens it, not a schema migration (those are the
# store's tests).
dpkg-deb -R "$deb" "$work/older"
sed -i "s/^Version: .*/Version: ${version}~older/" "$work/older/DEBIAN/control"
dpkg-deb --root-owner-group -Zgzip -z1 --build "$work/older" "$work/holdspace_older.deb" >/dev/null
rm -rf "$work/older"
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --allow-downgrades "$work/holdspace_older.deb" >"$work/apt.log" 2>&1 ||
  { cat "$work/apt.log"; fail "apt-get install of the older version failed"; }
[ "$(dpkg-query -W -f='${Version}' holdspace)" = "${version}~older" ] || fail "the older version is not installed"
printf '%s' 'quiet harbour light at dusk' >"$work/passphrase"
HOLDSPACE_NEW_PASSPHRASE_FILE=$work/passphrase /usr/bin/holdspace --data-dir "$data" users init --name 'Dr Rowe' >/dev/null ||
  fail "holdspace users init with the older version failed"
say "older version ${version}~older installed, a record made with it in $data"

# 4. Install over it (dependencies resolved by apt) and run.
t=$(now)
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --reinstall --allow-downgrades "$deb" >"$work/apt.log" 2>&1 ||
  { cat "$work/apt.log"; fail "apt-get install failed"; }
installed_at=$(now)
say "installed with apt-get in $(secs "$t" "$installed_at") s"
[ "$(dpkg-query -W -f='${Version}' holdspace)" = "$version" ] || fail "dpkg does not list holdspace $version"
[ "$(command -v holdspace)" = /usr/bin/holdspace ] || fail "holdspace is not /usr/bin/holdspace on PATH"
[ "$(/usr/bin/holdspace --version)" = "holdspace $version" ] || fail "holdspace --version printed $(/usr/bin/holdspace --version)"
out=$(XDG_DATA_HOME=$work/xdg /usr/bin/holdspace sessions) || fail "holdspace sessions failed: $out"
[ "$out" = "No sessions yet (no database in $work/xdg/holdspace)." ] || fail "holdspace sessions on a new folder printed: $out"
[ -d "$work/xdg/holdspace" ] || fail "the default data folder (XDG_DATA_HOME/holdspace) was not made"
# The curated playlists name recordings the clinic obtains (not shipped): parsed only.
checked=$(XDG_DATA_HOME=$work/xdg /usr/bin/holdspace check --quick /usr/share/holdspace/playlists/*.toml) ||
  fail "holdspace check --quick of the curated playlists failed: $checked"
checked=$(XDG_DATA_HOME=$work/xdg /usr/bin/holdspace check /usr/share/holdspace/playlists/demo/demo.toml) ||
  fail "holdspace check of the installed demo playlist failed: $checked"
echo "$checked" | grep -q 'demo/demo.toml: 5 tracks.*every track found and decoded' || fail "the installed demo playlist does not decode: $checked"
say "holdspace --version, holdspace sessions on a new default data folder, holdspace check of the installed playlists (the demo's Ogg Vorbis decoded to the end): ok"

# 5. The installed window, on the record the older version made.
HOLDSPACE_E2E_INSTALLED=/usr/bin/holdspace HOLDSPACE_E2E_INSTALLED_DATA=$data \
  xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- \
  cargo test -q -p holdspace-e2e --test e2e -- --test-threads=1 --nocapture installed::installed_package 2>&1 | tee "$work/e2e.log"
# Two tests: the window on the older version's record, and a start with no sound card at all.
grep -q 'test result: ok. 2 passed' "$work/e2e.log" || fail "the installed window tests did not pass"
say "install to window: $(secs "$installed_at" "$(now)") s for the window test after install ($(grep -o 'start screen [0-9.]* s after launch' "$work/e2e.log"))"
[ -f "$data/holdspace.sqlite3" ] && [ -f "$data/holdspace.keys" ] || fail "no record in $data after the window"
before=$(cd "$data" && sha256sum holdspace.sqlite3 holdspace.keys)

# 6. Remove: the program goes, the data stays.
DEBIAN_FRONTEND=noninteractive $SUDO apt-get remove -y -qq holdspace >"$work/apt.log" 2>&1 || { cat "$work/apt.log"; fail "apt-get remove failed"; }
[ ! -e /usr/bin/holdspace ] || fail "/usr/bin/holdspace is still there after apt-get remove"
[ ! -e /usr/share/holdspace/playlists/demo/demo.toml ] || fail "the package's playlists are still there after apt-get remove"
[ "$(cd "$data" && sha256sum holdspace.sqlite3 holdspace.keys)" = "$before" ] || fail "apt-get remove changed the data folder $data"
[ -d "$work/xdg/holdspace" ] || fail "apt-get remove took the default data folder"
say "apt-get remove: the program is gone, the data folders are as they were"
say "ok"
