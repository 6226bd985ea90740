import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  PRACTICES,
  PracticeTimer,
  chimeEnabled,
  endDetail,
  formatLength,
  loadLengths,
  parseLength,
  practiceById,
  realScheduler,
  saveLengths,
  setChimeEnabled,
  startDetail,
  type StageRecord,
  type TimerSnapshot,
} from './practice';

const three = practiceById('three-sense')!;
const choiceless = practiceById('choiceless')!;

function memoryStore() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), m };
}

describe('the practices', () => {
  it('follow the seed articles: four senses stages, then open awareness', () => {
    expect(three.name).toBe('Three-Sense Immersion');
    expect(three.stages.map((s) => s.id)).toEqual(['body', 'sight', 'sound', 'all']);
    expect(three.stages[0].cue).toMatch(/eyes close.*breath.*body/i);
    expect(three.stages[1].cue).toMatch(/soften.*whole visual field/i);
    expect(three.stages[2].cue).toMatch(/without naming/i);
    expect(three.stages[3].cue).toMatch(/sights, sounds and body/i);
    expect(choiceless.name).toBe('Choiceless Awareness');
    expect(choiceless.stages.map((s) => s.name)).toEqual([
      'Resting in open awareness',
      'Arising and passing',
      'Returning without effort',
    ]);
    expect(PRACTICES).toHaveLength(2);
  });

  it('reads and writes stage lengths', () => {
    expect(parseLength('3')).toBe(180);
    expect(parseLength('2:30')).toBe(150);
    expect(parseLength('0:01')).toBe(1);
    expect(parseLength('1,5')).toBe(90);
    expect(parseLength('0:00')).toBeNull();
    expect(parseLength('abc')).toBeNull();
    expect(parseLength('121')).toBeNull();
    expect(formatLength(61)).toBe('1:01');
    expect(formatLength(3725)).toBe('1:02:05');
  });

  it('remembers lengths per practice and falls back to the defaults', () => {
    const s = memoryStore();
    expect(loadLengths(three, s)).toEqual([180, 180, 180, 180]);
    saveLengths(three, [1, 2, 3, 4], s);
    expect(loadLengths(three, s)).toEqual([1, 2, 3, 4]);
    expect(loadLengths(choiceless, s)).toEqual([180, 300, 180]);
    s.setItem('holdspace.practice.three-sense.seconds', '[1, "x"]');
    expect(loadLengths(three, s)).toEqual([180, 180, 180, 180]);
    s.setItem('holdspace.practice.three-sense.seconds', '{not json');
    expect(loadLengths(three, s)).toEqual([180, 180, 180, 180]);
  });

  it('keeps the chime off by default', () => {
    const s = memoryStore();
    expect(chimeEnabled(s)).toBe(false);
    setChimeEnabled(true, s);
    expect(chimeEnabled(s)).toBe(true);
    setChimeEnabled(false, s);
    expect(chimeEnabled(s)).toBe(false);
  });
});

describe('PracticeTimer with fake timers', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-01-01T10:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  function run(seconds: number[]) {
    const stages: number[] = [];
    const ends: { how: string; stages: StageRecord[] }[] = [];
    let last: TimerSnapshot | null = null;
    const started = vi.fn();
    const t = new PracticeTimer(three, seconds, realScheduler, {
      onChange: (s) => (last = s),
      onStage: (i) => stages.push(i),
      onStart: started,
      onEnd: (how, st) => ends.push({ how, stages: st }),
    });
    return { t, stages, ends, started, snap: () => last as TimerSnapshot | null };
  }

  it('goes through the stages in order, each for its length, then completes', () => {
    const r = run([10, 20, 30, 40]);
    r.t.start();
    expect(r.started).toHaveBeenCalledTimes(1);
    expect(r.t.snapshot()).toMatchObject({ state: 'running', stageIndex: 0, stageLeftMs: 10_000, totalLeftMs: 100_000 });
    vi.advanceTimersByTime(9_900);
    expect(r.t.snapshot().stageIndex).toBe(0);
    vi.advanceTimersByTime(100);
    expect(r.stages).toEqual([1]);
    expect(r.t.snapshot()).toMatchObject({ stageIndex: 1, stageLeftMs: 20_000 });
    vi.advanceTimersByTime(20_000);
    expect(r.stages).toEqual([1, 2]);
    vi.advanceTimersByTime(30_000);
    expect(r.stages).toEqual([1, 2, 3]);
    expect(r.ends).toEqual([]);
    vi.advanceTimersByTime(40_000);
    expect(r.t.snapshot().state).toBe('completed');
    expect(r.ends).toHaveLength(1);
    expect(r.ends[0].how).toBe('completed');
    expect(r.ends[0].stages.map((s) => s.seconds)).toEqual([10, 20, 30, 40]);
    expect(endDetail('completed', r.ends[0].stages)).toBe(
      'completed · Breath and body 0:10 → Soft, wide gaze 0:20 → Listening 0:30 → All three together 0:40',
    );
    // Nothing more happens afterwards.
    vi.advanceTimersByTime(60_000);
    expect(r.ends).toHaveLength(1);
  });

  it('pauses and resumes without losing or gaining time', () => {
    const r = run([10, 10, 10, 10]);
    r.t.start();
    vi.advanceTimersByTime(4_000);
    r.t.pause();
    expect(r.t.snapshot()).toMatchObject({ state: 'paused', stageLeftMs: 6_000 });
    vi.advanceTimersByTime(60_000);
    expect(r.stages).toEqual([]);
    expect(r.t.snapshot().stageLeftMs).toBe(6_000);
    r.t.toggle();
    expect(r.t.snapshot().state).toBe('running');
    vi.advanceTimersByTime(5_999);
    expect(r.stages).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(r.stages).toEqual([1]);
  });

  it('stops early, recording the stage it was in and for how long', () => {
    const r = run([10, 10, 10, 10]);
    r.t.start();
    vi.advanceTimersByTime(13_000);
    r.t.stop();
    expect(r.t.snapshot()).toMatchObject({ state: 'stopped', stageLeftMs: 0, totalLeftMs: 0 });
    expect(r.ends[0].how).toBe('stopped');
    expect(r.ends[0].stages).toEqual([
      { name: 'Breath and body', seconds: 10 },
      { name: 'Soft, wide gaze', seconds: 3 },
    ]);
    vi.advanceTimersByTime(60_000);
    expect(r.stages).toEqual([1]);
    // Stopping twice logs once.
    r.t.stop();
    expect(r.ends).toHaveLength(1);
  });

  it('describes its start for the timeline', () => {
    expect(startDetail(three, [60, 60, 60, 60])).toBe(
      'Breath and body 1:00 → Soft, wide gaze 1:00 → Listening 1:00 → All three together 1:00',
    );
  });
});
