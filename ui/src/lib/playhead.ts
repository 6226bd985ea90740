import type { PlayPosition } from './bindings/PlayPosition';
import type { Status } from './bindings/Status';

/** Where the engine last said the playhead was, and when that was heard (local ms). */
export interface ToldPlayhead {
  told: PlayPosition;
  atMs: number;
}

/** From a status or a pushed playhead, heard at `atMs`. */
export function toldFrom(s: PlayPosition | Status, atMs: number): ToldPlayhead {
  return { told: { position_ms: s.position_ms, track_left_ms: s.track_left_ms, phase_left_ms: s.phase_left_ms }, atMs };
}

/**
 * The playhead at `nowMs`: while music plays it moves on by the clock from what the engine
 * last told (the engine tells every change of state, track or place at once, and the playhead
 * itself only every ten seconds, so the window is not woken each second for it); otherwise it
 * stays where it was told. It never runs past the end of the track or the music section.
 */
export function playheadNow(t: ToldPlayhead, nowMs: number, playing: boolean): PlayPosition {
  if (!playing) return t.told;
  const moved = Math.max(0, nowMs - t.atMs);
  const left = (v: number | null) => (v === null ? null : Math.max(0, v - moved));
  const { position_ms, track_left_ms, phase_left_ms } = t.told;
  return {
    position_ms: position_ms + (track_left_ms === null ? moved : Math.min(moved, track_left_ms)),
    track_left_ms: left(track_left_ms),
    phase_left_ms: left(phase_left_ms),
  };
}
