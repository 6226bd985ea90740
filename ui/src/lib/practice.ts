// The two preparation practices from the seed articles (Brian Shiers, KAP preparation), as
// guided timers: stages with calm on-screen cues, configurable lengths, and a timer driven by
// an injected clock and scheduler so tests run it with fake timers. No Tauri here: logging is
// a callback the screen supplies.

export type PracticeId = 'three-sense' | 'choiceless';

export interface StageDef {
  id: string;
  name: string;
  /** What the screen says during the stage, read aloud by the therapist if they wish. */
  cue: string;
  defaultSeconds: number;
}

export interface PracticeDef {
  id: PracticeId;
  name: string;
  summary: string;
  stages: StageDef[];
}

export const PRACTICES: PracticeDef[] = [
  {
    id: 'three-sense',
    name: 'Three-Sense Immersion',
    summary: 'Anchors awareness in direct sensory experience; settles anxiety before a session and reorients afterwards.',
    stages: [
      {
        id: 'body',
        name: 'Breath and body',
        cue: 'Let the eyes close. Rest attention on the breath and the sensations of the body. When the mind wanders, gently come back to what the body feels.',
        defaultSeconds: 180,
      },
      {
        id: 'sight',
        name: 'Soft, wide gaze',
        cue: 'Open the eyes and let the gaze soften. Take in the whole visual field at once, without fixing on any one thing.',
        defaultSeconds: 180,
      },
      {
        id: 'sound',
        name: 'Listening',
        cue: 'Listen to the sounds around you without naming or interpreting them. Let each sound come and go.',
        defaultSeconds: 180,
      },
      {
        id: 'all',
        name: 'All three together',
        cue: 'Let awareness widen to hold sights, sounds and body sensations together: one open field, here and now.',
        defaultSeconds: 180,
      },
    ],
  },
  {
    id: 'choiceless',
    name: 'Choiceless Awareness',
    summary: 'Letting go without losing agency: resting in open awareness as experience arises and passes.',
    stages: [
      {
        id: 'open',
        name: 'Resting in open awareness',
        cue: 'Let go of any single anchor. Rest in open awareness, with no preference for what appears.',
        defaultSeconds: 180,
      },
      {
        id: 'arising',
        name: 'Arising and passing',
        cue: 'Notice sensations, emotions and thoughts as they arise and pass. Nothing to hold on to, nothing to push away.',
        defaultSeconds: 300,
      },
      {
        id: 'returning',
        name: 'Returning without effort',
        cue: 'When you find you have been carried away, simply notice, and return to open awareness without effort. Moving back and forth is part of the practice.',
        defaultSeconds: 180,
      },
    ],
  },
];

export function practiceById(id: string): PracticeDef | undefined {
  return PRACTICES.find((p) => p.id === id);
}

/** `m:ss` (or `h:mm:ss`). */
export function formatLength(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** Reads a stage length: `m:ss` or whole minutes (`3`). Between 1 s and 2 h; null otherwise. */
export function parseLength(text: string): number | null {
  const t = text.trim();
  let seconds: number;
  const mmss = /^(\d{1,3}):([0-5]\d)$/.exec(t);
  if (mmss) seconds = Number(mmss[1]) * 60 + Number(mmss[2]);
  else if (/^\d{1,3}([.,]\d+)?$/.test(t)) seconds = Math.round(Number(t.replace(',', '.')) * 60);
  else return null;
  return seconds >= 1 && seconds <= 7200 ? seconds : null;
}

/** Where lengths are remembered (localStorage in the app; a Map-backed fake in tests). */
export interface LengthStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const lengthKey = (id: PracticeId) => `holdspace.practice.${id}.seconds`;

export function defaultLengths(p: PracticeDef): number[] {
  return p.stages.map((s) => s.defaultSeconds);
}

/** The remembered stage lengths, or the defaults when none (or unusable ones) are kept. */
export function loadLengths(p: PracticeDef, store: LengthStore | null = safeLocalStorage()): number[] {
  try {
    const raw = store?.getItem(lengthKey(p.id));
    const v: unknown = raw ? JSON.parse(raw) : null;
    if (
      Array.isArray(v) &&
      v.length === p.stages.length &&
      v.every((n) => typeof n === 'number' && Number.isFinite(n) && n >= 1 && n <= 7200)
    ) {
      return v as number[];
    }
  } catch {
    // A damaged value falls back to the defaults.
  }
  return defaultLengths(p);
}

export function saveLengths(p: PracticeDef, seconds: number[], store: LengthStore | null = safeLocalStorage()): void {
  try {
    store?.setItem(lengthKey(p.id), JSON.stringify(seconds));
  } catch {
    // Storage full or unavailable: the lengths still apply to this run.
  }
}

const CHIME_KEY = 'holdspace.practice.chime';

/** The stage-change chime is off unless the therapist turned it on. */
export function chimeEnabled(store: LengthStore | null = safeLocalStorage()): boolean {
  try {
    return store?.getItem(CHIME_KEY) === 'on';
  } catch {
    return false;
  }
}

export function setChimeEnabled(on: boolean, store: LengthStore | null = safeLocalStorage()): void {
  try {
    store?.setItem(CHIME_KEY, on ? 'on' : 'off');
  } catch {
    // Not remembered; the choice still applies now.
  }
}

function safeLocalStorage(): LengthStore | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

/** Time and timers, injected: the app uses the real ones, tests use fakes. */
export interface Scheduler {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realScheduler: Scheduler = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
};

export type TimerState = 'idle' | 'running' | 'paused' | 'completed' | 'stopped';

export interface TimerSnapshot {
  state: TimerState;
  stageIndex: number;
  stageLeftMs: number;
  totalLeftMs: number;
}

/** One stage as it was actually spent. */
export interface StageRecord {
  name: string;
  seconds: number;
}

export interface TimerEvents {
  /** Every tick and every change of state. */
  onChange?: (s: TimerSnapshot) => void;
  /** A new stage began (not called for the first stage). */
  onStage?: (index: number) => void;
  onStart?: () => void;
  /** The practice ended: all stages done, or stopped. */
  onEnd?: (how: 'completed' | 'stopped', stages: StageRecord[]) => void;
}

/** The display is redrawn this often; stage changes are scheduled exactly. */
export const TICK_MS = 250;

export class PracticeTimer {
  private state: TimerState = 'idle';
  private index = 0;
  /** Milliseconds spent in the current stage before the last resume. */
  private spentBefore = 0;
  /** When the current running stretch began (scheduler time). */
  private runningSince = 0;
  private handle: unknown = null;
  private records: StageRecord[] = [];

  constructor(
    readonly practice: PracticeDef,
    private readonly seconds: number[],
    private readonly scheduler: Scheduler = realScheduler,
    private readonly events: TimerEvents = {},
  ) {
    if (seconds.length !== practice.stages.length) throw new Error('one length per stage');
  }

  private stageMs(i: number): number {
    return Math.max(1, this.seconds[i]) * 1000;
  }

  private spent(): number {
    return this.spentBefore + (this.state === 'running' ? this.scheduler.now() - this.runningSince : 0);
  }

  snapshot(): TimerSnapshot {
    const stageLeftMs = this.state === 'completed' || this.state === 'stopped' ? 0 : Math.max(0, this.stageMs(this.index) - this.spent());
    let later = 0;
    for (let i = this.index + 1; i < this.seconds.length; i++) later += this.stageMs(i);
    return {
      state: this.state,
      stageIndex: this.index,
      stageLeftMs,
      totalLeftMs: this.state === 'completed' || this.state === 'stopped' ? 0 : stageLeftMs + later,
    };
  }

  private emit() {
    this.events.onChange?.(this.snapshot());
  }

  private schedule() {
    this.scheduler.clearTimeout(this.handle);
    const left = this.stageMs(this.index) - this.spent();
    this.handle = this.scheduler.setTimeout(() => this.tick(), Math.max(0, Math.min(TICK_MS, left)));
  }

  private tick() {
    if (this.state !== 'running') return;
    if (this.spent() >= this.stageMs(this.index)) {
      this.records.push({ name: this.practice.stages[this.index].name, seconds: this.stageMs(this.index) / 1000 });
      if (this.index + 1 >= this.seconds.length) {
        this.finish('completed');
        return;
      }
      // The next stage starts where the last one ended, not when the timer noticed.
      const over = this.spent() - this.stageMs(this.index);
      this.index += 1;
      this.spentBefore = 0;
      this.runningSince = this.scheduler.now() - over;
      this.events.onStage?.(this.index);
    }
    this.emit();
    this.schedule();
  }

  start() {
    if (this.state === 'running' || this.state === 'paused') return;
    this.state = 'running';
    this.index = 0;
    this.spentBefore = 0;
    this.records = [];
    this.runningSince = this.scheduler.now();
    this.events.onStart?.();
    this.emit();
    this.schedule();
  }

  pause() {
    if (this.state !== 'running') return;
    this.spentBefore = this.spent();
    this.state = 'paused';
    this.scheduler.clearTimeout(this.handle);
    this.handle = null;
    this.emit();
  }

  resume() {
    if (this.state !== 'paused') return;
    this.state = 'running';
    this.runningSince = this.scheduler.now();
    this.emit();
    this.schedule();
  }

  /** Enter / Space: start, pause or resume. */
  toggle() {
    if (this.state === 'running') this.pause();
    else if (this.state === 'paused') this.resume();
    else this.start();
  }

  stop() {
    if (this.state !== 'running' && this.state !== 'paused') return;
    const spent = this.spent();
    this.records.push({ name: this.practice.stages[this.index].name, seconds: Math.round(spent / 1000) });
    this.finish('stopped');
  }

  private finish(how: 'completed' | 'stopped') {
    this.scheduler.clearTimeout(this.handle);
    this.handle = null;
    this.state = how;
    this.spentBefore = 0;
    this.emit();
    this.events.onEnd?.(how, [...this.records]);
  }
}

/** The timeline's detail for a practice's start: its stages and lengths. */
export function startDetail(p: PracticeDef, seconds: number[]): string {
  return p.stages.map((s, i) => `${s.name} ${formatLength(seconds[i])}`).join(' → ');
}

/** The timeline's detail for a practice's end: how it ended and the stages it went through. */
export function endDetail(how: 'completed' | 'stopped', stages: StageRecord[]): string {
  const path = stages.map((s) => `${s.name} ${formatLength(s.seconds)}`).join(' → ');
  return `${how === 'completed' ? 'completed' : 'stopped early'}${path ? ` · ${path}` : ''}`;
}
