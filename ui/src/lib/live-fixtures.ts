// A live session, its monitor state and music for component tests of the session screens.
import type { MonitorView } from './bindings/MonitorView';
import type { MusicState } from './bindings/MusicState';
import type { SessionView } from './bindings/SessionView';
import type { Status } from './bindings/Status';

export const START = Date.parse('2026-01-01T10:00:00Z');
export const DOSED = new Date(START + 250).toISOString();

export function sessionView(over: Partial<SessionView['session']> = {}): SessionView {
  return {
    session: {
      id: 7,
      client_code: 'K-7',
      therapist: 'Dr Rowe',
      route: 'intramuscular',
      protocol: 'im-ketamine',
      intention: '',
      created_at: new Date(START - 60_000).toISOString(),
      state: 'open',
      first_dose_at: DOSED,
      ended_at: null,
      signed_at: null,
      signed_by: null,
      demo: false,
      ...over,
    },
    entries: [],
    now: new Date(START).toISOString(),
  };
}

export function monitorView(status: 'upcoming' | 'due', dueMs: number, flags: MonitorView['flags'] = []): MonitorView {
  const check = {
    occurrence_id: 'vitals-q15@0+15',
    checkpoint_id: 'vitals-q15',
    label: 'Vitals',
    kind: 'every' as const,
    anchor_dose: 0,
    offset_min: 15,
    due_ms: dueMs,
    window_opens_ms: dueMs - 60_000,
    overdue_ms: dueMs + 300_000,
    late_until_ms: dueMs + 600_000,
    record: ['bp' as const],
    status,
    completed_at_ms: null,
    late_by_ms: null,
    missing: [],
    missed_reason: null,
    missed_at_ms: null,
  };
  return {
    timer: {
      phase: { name: 'onset', description: '', elapsed_ms: 0, first_dose_ms: Date.parse(DOSED), next_phase: null, next_phase_at_ms: null },
      next: { occurrence_id: check.occurrence_id, label: 'Vitals', status, due_ms: dueMs, countdown_ms: 0, record: ['bp'] },
      checkpoints: [check],
      due_count: status === 'due' ? 1 : 0,
      overdue_count: 0,
      missed_unexplained_count: 0,
    },
    checklist: { stages: [], score: null, skipped: [] },
    flags,
    discharge: { allowed: false, blockers: [], minutes_remaining: 60 },
    risks: [],
    before_dosing: [],
    dose_blockers: [],
    effects: [],
    ready_to_leave: null,
  };
}

export function musicStatus(over: Partial<Status> = {}): Status {
  return {
    state: 'stopped',
    playlist_title: 'Demo',
    track_count: 5,
    track_index: 0,
    title: 'First Light',
    artist: 'Holdspace',
    phase: 'settle',
    position_ms: 0,
    duration_ms: 200_000,
    track_left_ms: 200_000,
    phase_left_ms: 400_000,
    volume: 0.6,
    fading: false,
    device: { state: 'ok', name: 'null sink', message: null, detail: null, standby: false },
    up_next: null,
    frames_played: 0,
    ...over,
  };
}

export function musicState(status: Status = musicStatus()): MusicState {
  return {
    status,
    loaded: {
      path: '/p/demo.toml',
      playlist: {
        title: 'Demo',
        description: '',
        route: null,
        crossfade_seconds: 4,
        target_minutes: null,
        music_folder: null,
        phases: [{ name: 'settle', tracks: [] }],
      },
      resolution: { title: 'Demo', crossfade_seconds: 4, music_root: '/p', tracks: [], found: 0, moved: 0, missing: 0 },
    },
    settings: { output_device: null, music_folder: null, volume: 0.6 },
  } as unknown as MusicState;
}
