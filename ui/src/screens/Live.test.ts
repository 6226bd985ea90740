import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { emit } from '@tauri-apps/api/event';
import Live from './Live.svelte';
import { EVENTS } from '../lib/bindings/events';
import type { MonitorView } from '../lib/bindings/MonitorView';
import type { MusicState } from '../lib/bindings/MusicState';
import type { SessionView } from '../lib/bindings/SessionView';
import type { Status } from '../lib/bindings/Status';

const START = Date.parse('2026-01-01T10:00:00Z');
const DOSED = new Date(START + 250).toISOString();

function view(): SessionView {
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
    },
    entries: [],
    now: new Date(START).toISOString(),
  };
}

function monitor(status: 'upcoming' | 'due', dueMs: number): MonitorView {
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
    flags: [],
    discharge: { allowed: false, blockers: [], minutes_remaining: 60 },
    risks: [],
    before_dosing: [],
  };
}

function status(over: Partial<Status> = {}): Status {
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
    device: { state: 'ok', name: 'null sink', message: null, detail: null },
    up_next: null,
    frames_played: 0,
    ...over,
  };
}

function musicState(): MusicState {
  return {
    status: status(),
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

let calls: string[] = [];

beforeEach(() => {
  vi.useFakeTimers({ now: START, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  calls = [];
  mockIPC(
    (cmd) => {
      calls.push(cmd);
      switch (cmd) {
        case 'monitor':
          return monitor('upcoming', START + 15 * 60_000);
        case 'music_state':
          return musicState();
        case 'protocol_details':
          return { template: { name: 'IM', min_observation_min: 120 }, quick_tags: [], pre_dose: [], during: [], discharge: [] };
        case 'pending_writes':
          return [];
        case 'add_note':
          throw new Error('not saved in this test');
        default:
          return null;
      }
    },
    { shouldMockEvents: true },
  );
});

afterEach(() => {
  cleanup();
  clearMocks();
  vi.useRealTimers();
});

/** Lets the mocked IPC's promises and Svelte's updates settle. */
async function settle() {
  for (let i = 0; i < 10; i++) await vi.advanceTimersByTimeAsync(0);
}

const commands = () => calls.filter((c) => !c.startsWith('plugin:event|'));

describe('Live screen', () => {
  it('asks once when it opens and never again on the clock; the timer still turns each second', async () => {
    const { getByTestId } = render(Live, { view: view(), onEnded: () => {} });
    await settle();
    expect(commands().sort()).toEqual(['monitor', 'music_state', 'pending_writes', 'protocol_details']);
    expect(getByTestId('elapsed').textContent).toBe('T+00:00:00');
    calls = [];
    await vi.advanceTimersByTimeAsync(10_000);
    expect(commands()).toEqual([]);
    // Aligned to the dose time's seconds (dosed at .250): T+10 shows just after 10.250 s.
    expect(getByTestId('elapsed').textContent).toBe('T+00:00:09');
    await vi.advanceTimersByTimeAsync(240);
    expect(getByTestId('elapsed').textContent).toBe('T+00:00:09');
    await vi.advanceTimersByTimeAsync(20);
    expect(getByTestId('elapsed').textContent).toBe('T+00:00:10');
    // The next check's countdown is drawn locally from its due time.
    expect(getByTestId('next-checkpoint').textContent).toContain('00:14:49');
  });

  it('shows a check that falls due when the monitor state is pushed', async () => {
    const { getByTestId, queryAllByTestId } = render(Live, { view: view(), onEnded: () => {} });
    await settle();
    expect(queryAllByTestId('checkpoint')).toHaveLength(0);
    await emit(EVENTS.monitorChanged, { session_id: 7, view: monitor('due', START + 15 * 60_000) });
    await settle();
    expect(getByTestId('checkpoint').dataset.status).toBe('due');
    expect(getByTestId('checkpoint').textContent).toContain('DUE NOW: Vitals');
    // Another session's state is not this screen's.
    await emit(EVENTS.monitorChanged, { session_id: 8, view: monitor('upcoming', START + 15 * 60_000) });
    await settle();
    expect(getByTestId('checkpoint').dataset.status).toBe('due');
  });

  it('updates the music bar from pushed status and playhead, without asking', async () => {
    const { getByTestId } = render(Live, { view: view(), onEnded: () => {} });
    await settle();
    calls = [];
    expect(getByTestId('music-state').textContent).toBe('stopped');
    await emit(EVENTS.musicStatus, status({ state: 'playing', title: 'Slow Water' }));
    await settle();
    expect(getByTestId('music-state').textContent).toBe('playing');
    expect(getByTestId('now-playing').textContent).toContain('Slow Water');
    await emit(EVENTS.musicPosition, { position_ms: 61_000, track_left_ms: 139_000, phase_left_ms: 339_000 });
    await settle();
    // Drawn on the timer's next beat (one rendering update a second).
    expect(getByTestId('music-bar').textContent).not.toContain('00:02:19');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(getByTestId('music-bar').textContent).toContain('00:02:19');
    expect(getByTestId('music-bar').textContent).toContain('00:05:39');
    expect(commands()).toEqual([]);
    // Another playlist loaded: fetched once.
    await emit(EVENTS.musicLoaded, null);
    await settle();
    expect(commands()).toEqual(['music_state']);
  });

  it('puts the caret away after ten quiet seconds; the note box still takes the next key', async () => {
    const { getByTestId, container } = render(Live, { view: view(), onEnded: () => {} });
    await settle();
    const box = getByTestId('note-input') as HTMLTextAreaElement;
    const main = container.querySelector('main') as HTMLElement;
    expect(document.activeElement).toBe(box);
    await vi.advanceTimersByTimeAsync(9_000);
    expect(document.activeElement).toBe(box);
    await vi.advanceTimersByTimeAsync(1_500);
    expect(document.activeElement).toBe(main);
    expect(main.dataset.noteResting).toBe('true');
    expect(box.classList.contains('resting')).toBe(true);
    // A key: the box has focus again before the key is taken (its character goes into it).
    main.dispatchEvent(new KeyboardEvent('keydown', { key: 'h', bubbles: true, cancelable: true }));
    await settle();
    expect(document.activeElement).toBe(box);
    expect(main.dataset.noteResting).toBeUndefined();
    // Resting with a note in the box, Enter saves it as it does in the box.
    box.value = 'calm';
    box.dispatchEvent(new Event('input', { bubbles: true }));
    await vi.advanceTimersByTimeAsync(10_500);
    expect(document.activeElement).toBe(main);
    calls = [];
    main.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
    await settle();
    expect(commands()).toContain('add_note');
    // Esc from a resting box leaves it, as from the box: the keys are shortcuts then.
    await vi.advanceTimersByTimeAsync(10_500);
    expect(document.activeElement).toBe(main);
    main.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true }));
    await settle();
    expect(document.activeElement).toBe(main);
    expect(main.dataset.noteResting).toBeUndefined();
  });
});
