import { describe, expect, it, vi } from 'vitest';
import { CHIME, playChime, type ChimeContext } from './chime';

function fakeContext() {
  const calls: [string, number, number][] = [];
  const osc = {
    type: '',
    frequency: { setValueAtTime: vi.fn() },
    connect: vi.fn(),
    start: vi.fn(),
    stop: vi.fn(),
    onended: null as (() => void) | null,
  };
  const gain = {
    gain: {
      setValueAtTime: (v: number, t: number) => calls.push(['set', v, t]),
      linearRampToValueAtTime: (v: number, t: number) => calls.push(['ramp', v, t]),
    },
    connect: vi.fn(),
  };
  const ctx: ChimeContext = {
    currentTime: 5,
    destination: {},
    createOscillator: () => osc,
    createGain: () => gain,
    close: vi.fn(() => Promise.resolve()),
  };
  return { ctx, calls, osc };
}

describe('chime', () => {
  it('starts from silence and ramps in over at least a second to a low level, then out to silence', () => {
    const { ctx, calls, osc } = fakeContext();
    expect(playChime(() => ctx)).toBe(true);
    expect(calls[0]).toEqual(['set', 0, 5]);
    const [kind, peak, at] = calls[1];
    expect(kind).toBe('ramp');
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(0.1);
    expect(at - 5).toBeGreaterThanOrEqual(1);
    const last = calls[calls.length - 1];
    expect(last[0]).toBe('ramp');
    expect(last[1]).toBe(0);
    expect(osc.start).toHaveBeenCalledWith(5);
    const stopAt = osc.stop.mock.calls[0][0] as number;
    expect(stopAt).toBeGreaterThanOrEqual(last[2]);
  });

  it('never jumps straight to a loud level, even if asked', () => {
    const { ctx, calls } = fakeContext();
    playChime(() => ctx, { ...CHIME, attack: 0, peak: 1 });
    expect(calls[1][2] - 5).toBeGreaterThanOrEqual(1);
    expect(calls[1][1]).toBeLessThanOrEqual(0.2);
  });

  it('does nothing without Web Audio', () => {
    expect(playChime(() => null)).toBe(false);
  });
});
