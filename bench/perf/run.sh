#!/usr/bin/env bash
# Holdspace measured against its floors, every figure a ratio from one invocation of
# measure.py (A and B interleaved): CPU while the live screen plays the demo playlist against
# mpv playing the same files to the same real-time null sink; CPU of the idle live screen
# (nothing playing) against a bare Tauri window redrawing a T+ clock once a second (clock.js),
# both painting without compositing as the app does;
# launch to interactive against the bare window; memory with
# music against the bare window plus mpv. `make perf` builds what this needs first.
# Environment: APP (release holdspace), BASE (release baseline-tauri), N (CPU pairs, default 3),
# SECONDS_CPU (window, default 60), ONLY (a title's start: those figures alone).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
M="python3 $here/measure.py"
: "${APP:?release holdspace binary}" "${BASE:?release baseline-tauri binary}"
N=${N:-3}
SECONDS_CPU=${SECONDS_CPU:-60}
work=$(mktemp -d /tmp/holdspace-perf.XXXXXX)
trap 'rm -rf "$work"' EXIT
playlist="$root/playlists/demo/demo.toml"
audio=("$root"/playlists/demo/audio/*.wav)
mkdir -p "$work/live" "$work/empty"
chmod 700 "$work/live" "$work/empty"
# The same files, in playlist order, to the same sink (mpv through PulseAudio; rodio through
# ALSA's pulse plugin: the same daemon).
MPV="mpv --no-video --ao=pulse --really-quiet ${audio[*]}"
play_js=$(sed -e "s|MUSIC|true|; s|PLAYLIST|'$playlist'|" "$here/live.js.in")
idle_js=$(sed -e "s|MUSIC|false|; s|PLAYLIST|null|" "$here/live.js.in")
# Ready on either screen: the script opens the live screen when it is not showing yet.
live='[data-testid=first-run-form], [data-testid=sign-in-form], [data-testid=start-form], [data-testid=note-input]'
results=()
# ONLY=CPU runs only the figures whose title starts so (the two CPU figures: about 15 minutes).
ONLY=${ONLY:-}
run() {
  if [[ "$1" != "$ONLY"* ]]; then return; fi
  echo "== $1"; shift
  out=$("$@" | tee /dev/stderr)
  results+=("$(sed -n 's/^results: //p' <<<"$out")")
}
# Prime the data folder: a session with a dose, so every measured launch opens on the live screen.
$M cpu --seconds 5 --skip 3 --app "$APP" --selector "$live" --env HOLDSPACE_DATA_DIR="$work/live" --exec-js "$idle_js" --out "$work/prime" >/dev/null 2>&1
# The CPU windows open 20 s after the screen is ready, for both sides: signing in (one Argon2id
# derivation), the first render of the live screen, the note box's caret (put away after 10 s)
# and the output's idle close (10 s) are over, and what is measured is the screen as it stays
# for the hour of a session.
SKIP=${SKIP:-20}
clock_js=$(cat "$here/clock.js")
run "CPU, live screen, demo playlist playing vs mpv playing the same files" \
  $M cpu --pulse --skip "$SKIP" --seconds "$SECONDS_CPU" -n "$N" --app "$APP" --selector "$live" --env HOLDSPACE_DATA_DIR="$work/live" \
  --exec-js "$play_js" --vs-cmd "$MPV"
run "CPU, live screen idle (nothing playing) vs bare Tauri window redrawing a T+ clock each second" \
  $M cpu --pulse --skip "$SKIP" --seconds "$SECONDS_CPU" -n 2 --app "$APP" --selector "$live" --env HOLDSPACE_DATA_DIR="$work/live" \
  --exec-js "$idle_js" --vs "$BASE" --vs-selector '#ready' --vs-exec-js "$clock_js" \
  --env WEBKIT_DISABLE_COMPOSITING_MODE=1
run "Launch to interactive (the first-run screen, empty data folder) vs bare Tauri window" \
  $M startup "$APP" --selector '[data-testid=first-run-form]' --env HOLDSPACE_DATA_DIR="$work/empty" -n 10 \
  --vs "$BASE" --vs-selector '#ready'
run "Launch to interactive (the sign-in screen of an encrypted record) vs bare Tauri window" \
  $M startup "$APP" --selector '[data-testid=sign-in-form]' --env HOLDSPACE_DATA_DIR="$work/live" -n 10 \
  --vs "$BASE" --vs-selector '#ready'
run "Memory, live screen with the demo playlist playing vs bare window + mpv" \
  $M memory --pulse "$APP" --selector "$live" --env HOLDSPACE_DATA_DIR="$work/live" --exec-js "$play_js" -n 3 \
  --vs "$BASE" --vs-selector '#ready' --vs-with "$MPV"
python3 "$here/summary.py" "${results[@]}"
