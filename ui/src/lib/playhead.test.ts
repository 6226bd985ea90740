import { describe, expect, it } from 'vitest';
import { playheadNow, toldFrom } from './playhead';

const told = toldFrom({ position_ms: 61_000, track_left_ms: 139_000, phase_left_ms: 339_000 }, 1_000_000);

describe('playheadNow', () => {
  it('moves on by the clock while playing', () => {
    expect(playheadNow(told, 1_004_500, true)).toEqual({ position_ms: 65_500, track_left_ms: 134_500, phase_left_ms: 334_500 });
  });

  it('stays where it was told while paused or stopped', () => {
    expect(playheadNow(told, 1_060_000, false)).toEqual(told.told);
  });

  it('never runs past the end of the track or the section', () => {
    expect(playheadNow(told, 1_500_000, true)).toEqual({ position_ms: 200_000, track_left_ms: 0, phase_left_ms: 0 });
  });

  it('counts on without an end when the length is not known', () => {
    const open = toldFrom({ position_ms: 1_000, track_left_ms: null, phase_left_ms: null }, 0);
    expect(playheadNow(open, 2_000, true)).toEqual({ position_ms: 3_000, track_left_ms: null, phase_left_ms: null });
  });

  it('a clock that went back does not move it backwards', () => {
    expect(playheadNow(told, 999_000, true)).toEqual(told.told);
  });
});
