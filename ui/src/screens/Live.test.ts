import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { emit } from '@tauri-apps/api/event';
import Live from './Live.svelte';
import { EVENTS } from '../lib/bindings/events';
import { monitorView, musicState, musicStatus, sessionView, START } from '../lib/live-fixtures';

let calls: string[] = [];

beforeEach(() => {
  vi.useFakeTimers({ now: START, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  calls = [];
  mockIPC(
    (cmd) => {
      calls.push(cmd);
      switch (cmd) {
        case 'monitor':
          return monitorView('upcoming', START + 15 * 60_000);
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
    const { getByTestId } = render(Live, { view: sessionView(), onEnded: () => {} });
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
    const { getByTestId, queryAllByTestId } = render(Live, { view: sessionView(), onEnded: () => {} });
    await settle();
    expect(queryAllByTestId('checkpoint')).toHaveLength(0);
    await emit(EVENTS.monitorChanged, { session_id: 7, view: monitorView('due', START + 15 * 60_000) });
    await settle();
    expect(getByTestId('checkpoint').dataset.status).toBe('due');
    expect(getByTestId('checkpoint').textContent).toContain('DUE NOW: Vitals');
    // Another session's state is not this screen's.
    await emit(EVENTS.monitorChanged, { session_id: 8, view: monitorView('upcoming', START + 15 * 60_000) });
    await settle();
    expect(getByTestId('checkpoint').dataset.status).toBe('due');
  });

  it('updates the music bar from pushed status and playhead, without asking', async () => {
    const { getByTestId } = render(Live, { view: sessionView(), onEnded: () => {} });
    await settle();
    calls = [];
    expect(getByTestId('music-state').textContent).toBe('stopped');
    await emit(EVENTS.musicStatus, musicStatus({ state: 'playing', title: 'Slow Water' }));
    await settle();
    expect(getByTestId('music-state').textContent).toBe('playing');
    expect(getByTestId('now-playing').textContent).toContain('Slow Water');
    const bar = () => getByTestId('music-bar').textContent ?? '';
    const left = (label: string) => bar().match(new RegExp(`${label} (\\d+) min`))?.[1];
    await emit(EVENTS.musicPosition, { position_ms: 61_000, track_left_ms: 62_000, phase_left_ms: 302_000 });
    await settle();
    // Drawn on the timer's next beat (one rendering update a second), moved on by the time
    // since it was told (under a second): to the minute, rounded up.
    expect(left('track left')).not.toBe('2');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(left('track left')).toBe('2');
    expect(left('music section left')).toBe('6');
    // Nothing more is pushed: the bar counts down by itself (61 s, then under 60 s left).
    await vi.advanceTimersByTimeAsync(2_000);
    expect(left('track left')).toBe('1');
    expect(left('music section left')).toBe('5');
    // Paused: it stands still.
    await emit(EVENTS.musicStatus, musicStatus({ state: 'paused', title: 'Slow Water', position_ms: 72_000, track_left_ms: 128_000, phase_left_ms: 328_000 }));
    await vi.advanceTimersByTimeAsync(70_000);
    expect(left('track left')).toBe('3');
    expect(commands()).toEqual([]);
    // Another playlist loaded: fetched once.
    await emit(EVENTS.musicLoaded, null);
    await settle();
    expect(commands()).toEqual(['music_state']);
  });

  it('puts the caret away after ten quiet seconds; the note box still takes the next key', async () => {
    const { getByTestId, container } = render(Live, { view: sessionView(), onEnded: () => {} });
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
