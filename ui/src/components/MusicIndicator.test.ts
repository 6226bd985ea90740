import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { emit } from '@tauri-apps/api/event';
import MusicIndicator from './MusicIndicator.svelte';
import { EVENTS } from '../lib/bindings/events';
import { musicStatus as status } from '../lib/live-fixtures';

let controls: unknown[] = [];
let initial = status({ state: 'playing' });

beforeEach(() => {
  controls = [];
  mockIPC(
    (cmd, args) => {
      if (cmd === 'music_state') return { status: initial, loaded: null, settings: {} };
      if (cmd === 'music_control') {
        controls.push((args as { control: unknown }).control);
        return status({ state: 'stopped', fading: true });
      }
      return null;
    },
    { shouldMockEvents: true },
  );
});

afterEach(() => {
  cleanup();
  clearMocks();
});

const settle = async () => {
  for (let i = 0; i < 10; i++) await new Promise((r) => setTimeout(r, 0));
};

describe('the music indicator outside a session', () => {
  it('shows playing music with a fade-out, then the fade, then nothing', async () => {
    initial = status({ state: 'playing' });
    const { getByTestId, queryAllByTestId } = render(MusicIndicator);
    await settle();
    expect(getByTestId('music-indicator').textContent).toContain('Music is playing: First Light');
    await fireEvent.click(getByTestId('music-indicator-fade'));
    await settle();
    expect(controls).toEqual([{ kind: 'fade_out' }]);
    await emit(EVENTS.musicStatus, status({ state: 'stopped', fading: true }));
    await settle();
    expect(getByTestId('music-indicator').textContent).toContain('fading out');
    await emit(EVENTS.musicStatus, status({ state: 'stopped', fading: false }));
    await settle();
    expect(queryAllByTestId('music-indicator')).toHaveLength(0);
  });

  it('shows nothing when nothing is heard', async () => {
    initial = status({ state: 'paused' });
    const { queryAllByTestId } = render(MusicIndicator);
    await settle();
    expect(queryAllByTestId('music-indicator')).toHaveLength(0);
  });
});
