// A soft stage-change chime for the practices, made with Web Audio (no media file, so the
// CSP needs nothing). Never a sudden onset: the level ramps from 0 over `attack` seconds to a
// low peak, holds, and ramps back to 0. Off unless the therapist turns it on.

export interface ChimeOptions {
  /** Seconds from silence to the peak (at least 1). */
  attack: number;
  /** Seconds at the peak. */
  hold: number;
  /** Seconds from the peak back to silence. */
  release: number;
  /** Peak gain, 0 to 1 (kept low: the room is quiet). */
  peak: number;
  frequency: number;
}

export const CHIME: ChimeOptions = { attack: 1.5, hold: 0.5, release: 2.5, peak: 0.06, frequency: 432 };

/** The part of the Web Audio API the chime uses (a fake in tests). */
export interface ChimeContext {
  currentTime: number;
  destination: unknown;
  createOscillator(): {
    type: string;
    frequency: { setValueAtTime(v: number, t: number): unknown };
    connect(node: unknown): unknown;
    start(t?: number): void;
    stop(t?: number): void;
    onended: (() => void) | null;
  };
  createGain(): {
    gain: {
      setValueAtTime(v: number, t: number): unknown;
      linearRampToValueAtTime(v: number, t: number): unknown;
    };
    connect(node: unknown): unknown;
  };
  close?(): Promise<void>;
}

function defaultContext(): ChimeContext | null {
  const w = globalThis as unknown as { AudioContext?: new () => ChimeContext; webkitAudioContext?: new () => ChimeContext };
  const Ctor = w.AudioContext ?? w.webkitAudioContext;
  if (!Ctor) return null;
  try {
    return new Ctor();
  } catch {
    return null;
  }
}

/** Plays one soft chime; returns false when there is no audio context. Never throws. */
export function playChime(
  makeContext: () => ChimeContext | null = defaultContext,
  opts: ChimeOptions = CHIME,
): boolean {
  const ctx = makeContext();
  if (!ctx) return false;
  try {
    const attack = Math.max(1, opts.attack);
    const peak = Math.min(Math.max(opts.peak, 0), 0.2);
    const t0 = ctx.currentTime;
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'sine';
    osc.frequency.setValueAtTime(opts.frequency, t0);
    gain.gain.setValueAtTime(0, t0);
    gain.gain.linearRampToValueAtTime(peak, t0 + attack);
    gain.gain.setValueAtTime(peak, t0 + attack + opts.hold);
    const end = t0 + attack + opts.hold + Math.max(1, opts.release);
    gain.gain.linearRampToValueAtTime(0, end);
    osc.connect(gain);
    gain.connect(ctx.destination);
    osc.onended = () => {
      ctx.close?.().catch(() => {});
    };
    osc.start(t0);
    osc.stop(end + 0.05);
    return true;
  } catch {
    return false;
  }
}
